//! The runtime side of what a member types: committing a comment or keeping
//! it when the store refuses, restoring kept text, score conflicts between
//! two terminals, and `$EDITOR`. The rule throughout: text a member typed
//! is committed, kept in the edit buffer, or still on screen in the editor
//! — never dropped without the member's explicit discard.

use super::app::{App, Popup};
use super::editor::{CommentEditor, Purpose};
use super::load::{open_review, reload};
use super::review_keys::ReadOnly;
use super::terminal::reenter_terminal;
use crate::store::Store;
use ratatui::crossterm::event::{DisableBracketedPaste, DisableMouseCapture};
use ratatui::crossterm::execute;

/// Commits a closed editor's comment. Refused (submitted elsewhere, the
/// round moved on): the text is kept in the edit buffer when the store
/// takes it there, or else goes back into the editor.
pub(super) fn commit(
    app: &mut App,
    store: &mut Store,
    who: &str,
    (round, member, application): &(String, String, String),
    criterion: String,
    text: String,
) {
    let lang = app.lang;
    let committed = store.write(who, true, |w| {
        w.set_comment(round, member, application, &criterion, &text)
    });
    if committed.is_ok() {
        if let Some(form) = &mut app.review {
            match form.criteria.iter().position(|c| c.id == criterion) {
                Some(i) => form.comments[i] = text,
                None => form.overall = text,
            }
            form.kept.remove(&criterion);
        }
        app.set_review_status(crate::domain::ReviewStatus::Draft);
        return;
    }
    let kept = store.write(who, true, |w| {
        w.save_edit_buffer(round, member, application, &criterion, &text)
    });
    // The form learns from the store why (submitted, frozen) and, when
    // kept, shows the kept text.
    reload(app, store);
    if kept.is_ok() {
        let why = match app.review_read_only() {
            Some(ReadOnly::Submitted) => lang.pick(
                "此评分已在别处提交,评语未写入。文字已保留:撤回重评(R)后在该项按 Enter 即可继续。",
                "This review was submitted elsewhere, so the comment was not saved. The text is kept: reopen (R), then Enter on the row brings it back.",
            ),
            Some(ReadOnly::SubmittedSeen) => lang.pick(
                "此评分已在别处提交,评语未写入。文字已保留:秘书请您复核后,在该项按 Enter 即可继续。",
                "This review was submitted elsewhere, so the comment was not saved. The text is kept: once the secretary asks you to revisit, Enter on the row brings it back.",
            ),
            _ => lang.pick(
                "评语未能写入,文字已保留,下次打开编辑器时恢复。",
                "The comment could not be saved; the text is kept and comes back when the editor opens.",
            ),
        };
        app.warn(why);
        return;
    }
    let title = match app
        .review
        .as_ref()
        .and_then(|f| f.criteria.iter().find(|c| c.id == criterion))
    {
        Some(c) => format!("{} · {}", lang.pick("评语", "Comment"), c.name),
        None => lang.pick("总体评语", "Overall comment").to_string(),
    };
    app.editor = Some(CommentEditor::new(
        criterion,
        title,
        &text,
        Purpose::Comment,
    ));
    let why = match app.review_read_only() {
        Some(why @ ReadOnly::Frozen(_)) => app.read_only_message(why),
        _ => committed.err().map(|e| e.to_string()).unwrap_or_default(),
    };
    app.error(format!(
        "{why} {}",
        lang.pick(
            "评语无法保存,仍在编辑器中:可复制留存,Ctrl-D 放弃。",
            "The comment cannot be saved and stays in the editor: copy it, or Ctrl-D to discard.",
        )
    ));
}

/// Saves the text being typed to the edit buffer. Refused (the round froze
/// while typing): the editor stays open with the text, and the message
/// says why it cannot be kept.
pub(super) fn save_buffer(
    app: &mut App,
    store: &mut Store,
    who: &str,
    (round, member, application): &(String, String, String),
    criterion: String,
    text: String,
) {
    let saved = store.write(who, true, |w| {
        w.save_edit_buffer(round, member, application, &criterion, &text)
    });
    if saved.is_err() {
        unsaved(app);
    }
}

/// A periodic save of the edit buffer was refused: the editor keeps the
/// text; the member is told before they close it.
fn unsaved(app: &mut App) {
    app.error(app.lang.pick(
        "评语无法暂存(此评分已不能修改)。文字仍在编辑器中:Esc 再试保存,Ctrl-D 放弃。",
        "The comment cannot be kept (this review can no longer change). The text stays in the editor: Esc tries to save, Ctrl-D discards.",
    ));
}

/// A value write refused by the store: the screen goes back to what is
/// stored, and says why in the member's language where it can.
pub(super) fn refused_value(app: &mut App, store: &mut Store, why: String) {
    if let Some(form) = &mut app.review {
        form.input = None;
    }
    reload(app, store);
    let text = match app.review_read_only() {
        Some(r) => app.read_only_message(r),
        None => why,
    };
    app.error(text);
}

/// Another terminal changed the value this write meant to replace: show
/// the stored value and let the member choose.
pub(super) fn conflict(app: &mut App, criterion: &str, mine: Option<f64>, theirs: Option<f64>) {
    let Some(form) = &mut app.review else { return };
    let Some(i) = form.criteria.iter().position(|c| c.id == criterion) else {
        return;
    };
    form.values[i] = theirs;
    form.stored[i] = theirs;
    form.input = None;
    let name = form.criteria[i].name.clone();
    app.popup = Some(Popup::Conflict {
        criterion: criterion.to_string(),
        name,
        mine,
        theirs,
    });
}

/// After a reopen: kept comments are on their rows again, and the first
/// one is focused so Enter brings it into the editor.
pub(super) fn after_reopen(app: &mut App) {
    let lang = app.lang;
    let Some(form) = &mut app.review else { return };
    let kept = form.kept.len();
    let first = form
        .kept
        .keys()
        .map(|k| {
            form.criteria
                .iter()
                .position(|c| c.id == *k)
                .unwrap_or(form.overall_row())
        })
        .min();
    if let Some(row) = first {
        form.set_focus(row);
        app.info(format!(
            "{} {kept} {}",
            lang.pick(
                "已撤回,评分恢复为草稿。保留的评语",
                "Reopened: the review is a draft again.",
            ),
            lang.pick(
                "条已恢复,按 Enter 继续编辑。",
                "kept comment(s) are back: Enter continues the focused one.",
            )
        ));
    } else {
        app.info(lang.pick(
            "已撤回,评分恢复为草稿。",
            "Reopened: the review is a draft again.",
        ));
    }
}

/// What an editor left in its file, decoded: UTF-8, else GB18030 (which
/// covers GBK), as Chinese users' editors often save. `Err` carries a
/// lossy decoding, to keep but not to commit unread.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text.into_owned()),
        None => Err(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// Writes the comment in `$VISUAL`/`$EDITOR` (falling back to vi), with the
/// terminal handed over to it meanwhile. Nothing here ends the session:
/// what the editor wrote is read first and kept, every failure is a
/// message, and the screen is cleared without asking the terminal for its
/// cursor (a terminal that does not answer made that an exit).
pub(super) fn external_editor(
    app: &mut App,
    store: &mut Store,
    terminal: &mut ratatui::DefaultTerminal,
    criterion: String,
    text: String,
) -> anyhow::Result<()> {
    let lang = app.lang;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let file = match tempfile::Builder::new()
        .prefix("jury-comment-")
        .suffix(".txt")
        .tempfile()
        .and_then(|f| std::fs::write(f.path(), &text).map(|_| f))
    {
        Ok(f) => f,
        Err(e) => {
            app.error(format!(
                "{}{e}",
                lang.pick("无法准备编辑文件:", "Cannot prepare the file to edit: ")
            ));
            return Ok(());
        }
    };
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status();
    // Read before anything else can fail.
    let read = std::fs::read(file.path());
    let outcome = match (&status, read) {
        (Ok(s), Ok(bytes)) if s.success() => Some(decode(&bytes)),
        _ => None,
    };
    match (status, outcome) {
        (Ok(_), Some(Ok(new_text))) => {
            let new_text = crate::base::text::sanitize(new_text.trim_end_matches('\n'));
            let who = app.actor();
            if let Some(target) = app.review_target() {
                commit(app, store, &who, &target, criterion, new_text);
            }
        }
        (Ok(_), Some(Err(lossy))) => {
            // Neither UTF-8 nor GB18030: kept as the edit buffer, not
            // committed, for the member to read and fix in the editor.
            let lossy = crate::base::text::sanitize(lossy.trim_end_matches('\n'));
            let who = app.actor();
            if let Some(target) = app.review_target() {
                save_buffer(app, store, &who, &target, criterion, lossy);
            }
            let target = app.review.as_ref().map(|f| f.app.id.clone());
            if let Some(id) = target {
                let _ = open_review(app, store, &id);
            }
            app.warn(lang.pick(
                "编辑器保存的文件不是 UTF-8 或 GBK/GB18030 编码:内容已作为未保存评语保留(按 Enter 查看修改),原评语未变。",
                "The editor saved neither UTF-8 nor GBK/GB18030: the text is kept as an unsaved comment (Enter to review it); the saved comment is unchanged.",
            ));
        }
        (Ok(s), None) if s.success() => app.warn(format!(
            "{editor}: {}",
            lang.pick(
                "编辑文件已不存在或无法读取,评语未更改。",
                "the file was removed or cannot be read; the comment is unchanged.",
            )
        )),
        (Ok(s), _) => app.warn(format!(
            "{editor}: {s}; {}",
            lang.pick("评语未更改。", "comment unchanged.")
        )),
        (Err(e), _) => app.error(format!("{editor}: {e}")),
    }
    // Back to the interface: a fresh terminal (both buffers empty) over a
    // screen cleared by command, so the next draw repaints every cell.
    *terminal = reenter_terminal()?;
    Ok(())
}
