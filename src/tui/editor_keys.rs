//! The editor popup's keys, as the app's update. A review comment is work
//! in progress in the store's edit buffer until the editor closes; the
//! buffer is saved by the runtime at most every quarter second of typing
//! (`App::flush_buffer`), not on every keystroke, so one long comment does
//! not rewrite itself thousands of times.

use super::app::{App, Effect};
use super::editor::{CommentEditor, Purpose};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
