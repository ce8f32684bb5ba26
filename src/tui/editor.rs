//! The text editor popup (review comments, override reasons, discussion
//! notes, revisit notes): its state. Its keys are the app's, in
//! `editor_keys`.

use crate::base::i18n::Lang;
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
