//! The text editor popup (review comments, override reasons, discussion
//! notes, revisit notes): its state and its keys. A review comment is work
//! in progress in the store's edit buffer until the editor closes; the
//! buffer is saved by the runtime at most every quarter second of typing
//! (`App::flush_buffer`), not on every keystroke, so one long comment does
//! not rewrite itself thousands of times.

use super::app::{App, Effect};
use crate::base::i18n::Lang;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

/// A text being typed, in a popup over the screen.
pub struct CommentEditor {
    pub criterion: String,
    pub title: String,
    pub area: TextArea<'static>,
    pub purpose: Purpose,
    /// Typed since the edit buffer was last saved.
    pub dirty: bool,
    /// Ctrl-D was pressed: the next key confirms (y) or cancels the discard.
    pub confirm_discard: bool,
}

/// What the editor's text is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// A review comment (criterion id in `criterion`, empty for overall).
    Comment,
    /// The written reason of an override of this application to this outcome.
    Override(String, crate::domain::Outcome),
    /// The secretary's discussion note on this application.
    Note(String),
    /// The note of a revisit request to this member about this application.
    Revisit(String, String),
}

impl CommentEditor {
    /// An editor holding `text`, the cursor at its end. Long lines wrap at
    /// word boundaries, or between characters for a run without spaces (as
    /// Chinese is), by display width.
    pub fn new(criterion: String, title: String, text: &str, purpose: Purpose) -> CommentEditor {
        let mut area = if text.is_empty() {
            TextArea::default()
        } else {
            TextArea::new(text.split('\n').map(str::to_string).collect())
        };
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        CommentEditor {
            criterion,
            title,
            area,
            purpose,
            dirty: false,
            confirm_discard: false,
        }
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    /// The editor's keys, for the status bar while it is open.
    pub fn hints(&self, lang: Lang) -> Vec<(String, &'static str)> {
        if self.confirm_discard {
            return vec![
                ("y".into(), lang.pick("确认放弃", "discard")),
                (
                    lang.pick("其他键", "other keys").into(),
                    lang.pick("继续编辑", "keep editing"),
                ),
            ];
        }
        let mut hints = vec![
            ("Esc".to_string(), lang.pick("保存并关闭", "save and close")),
            (
                "Ctrl-S".to_string(),
                lang.pick("保存并关闭", "save and close"),
            ),
        ];
        if self.purpose == Purpose::Comment {
            hints.push((
                "Ctrl-D".into(),
                lang.pick("放弃这段评语", "discard this text"),
            ));
        } else {
            hints.push(("Ctrl-D".into(), lang.pick("不保存关闭", "close unsaved")));
        }
        hints.push((
            "Enter".into(),
            lang.pick("换行(自动折行)", "new line (long lines wrap)"),
        ));
        hints
    }
}

impl App {
    /// The edit buffer save the runtime owes, if the comment changed since
    /// the last one. Called at most every ~250 ms while typing, and always
    /// before the editor closes, the session ends or the terminal is handed
    /// to another program.
    pub fn flush_buffer(&mut self) -> Option<Effect> {
        let editor = self.editor.as_mut()?;
        if !editor.dirty || editor.purpose != Purpose::Comment {
            return None;
        }
        editor.dirty = false;
        Some(Effect::SaveBuffer {
            criterion: editor.criterion.clone(),
            text: editor.text(),
        })
    }

    pub(super) fn editor_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let lang = self.lang;
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if editor.confirm_discard {
            editor.confirm_discard = false;
            if matches!(key.code, KeyCode::Char('y' | 'Y')) && !ctrl {
                let editor = self.editor.take().expect("editor open");
                if editor.purpose != Purpose::Comment {
                    self.info(lang.pick("已关闭,未保存。", "Closed without saving."));
                    return Vec::new();
                }
                self.info(lang.pick(
                    "已放弃这段评语;已保存的评语未改动。",
                    "Discarded; the saved comment is unchanged.",
                ));
                return vec![Effect::DiscardBuffer {
                    criterion: editor.criterion,
                }];
            }
            self.info(lang.pick("未放弃,继续编辑。", "Not discarded; keep typing."));
            return Vec::new();
        }
        if ctrl && matches!(key.code, KeyCode::Char('d' | 'D')) {
            editor.confirm_discard = true;
            let text = if editor.purpose == Purpose::Comment {
                lang.pick(
                    "放弃这段评语(包括上次保留的文字)?y 确认,其他键继续编辑。已保存的评语不变。",
                    "Discard this text (and any kept from before)? y discards, any other key keeps editing. The saved comment stays.",
                )
            } else {
                lang.pick(
                    "不保存就关闭?y 确认,其他键继续编辑。",
                    "Close without saving? y closes, any other key keeps editing.",
                )
            };
            self.warn(text);
            return Vec::new();
        }
        let finish = key.code == KeyCode::Esc || (ctrl && matches!(key.code, KeyCode::Char('s')));
        if finish {
            let editor = self.editor.take().expect("editor open");
            let text = editor.text();
            return match editor.purpose {
                Purpose::Comment => vec![Effect::CommitComment {
                    criterion: editor.criterion,
                    text,
                }],
                Purpose::Override(app, outcome) => {
                    if text.trim().is_empty() {
                        self.error(lang.pick(
                            "调整须写明理由,未作调整。",
                            "An override needs a written reason; nothing changed.",
                        ));
                        return Vec::new();
                    }
                    vec![Effect::Override {
                        app,
                        outcome,
                        reason: text,
                    }]
                }
                Purpose::Note(app) => vec![Effect::SaveNote { app, note: text }],
                Purpose::Revisit(app, member) => vec![Effect::Revisit {
                    app,
                    member,
                    note: text,
                }],
            };
        }
        if editor.area.input(key) {
            editor.dirty = true;
        }
        Vec::new()
    }

    /// Opens the comment editor on the focused row of the review: with the
    /// kept (uncommitted) text when there is one, so it is never lost.
    pub(super) fn open_comment_editor(&mut self) {
        let lang = self.lang;
        let Some(form) = &self.review else { return };
        let criterion = form.focused_id().to_string();
        let text = form.editable_comment().to_string();
        let title = match form.focused_criterion() {
            Some(c) => format!("{} · {}", lang.pick("评语", "Comment"), c.name),
            None => lang.pick("总体评语", "Overall comment").to_string(),
        };
        if form.kept.contains_key(&criterion) {
            self.info(lang.pick(
                "已恢复上次保留的评语,Esc 保存。",
                "The kept text is back in the editor; Esc saves it.",
            ));
        }
        self.editor = Some(CommentEditor::new(
            criterion,
            title,
            &text,
            Purpose::Comment,
        ));
    }
}
