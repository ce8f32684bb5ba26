//! The store's state brought into the app: a review opened, and everything
//! on screen reloaded after another process changed the database or a
//! write was refused, without losing what is being typed.

use super::app::App;
use super::data;
use super::screen::Screen;
use super::secretary_effects::load_secretary;
use crate::store::Store;

pub(super) fn open_review(app: &mut App, store: &mut Store, id: &str) -> anyhow::Result<()> {
    let (Some(member), Some(round)) = (app.member.clone(), app.round.clone()) else {
        return Ok(());
    };
    let call = data::call_of(store, &round)?;
    let keep = app
        .review
        .as_ref()
        .filter(|f| f.app.id == id)
        .map(|f| (f.focus, f.tab, f.scroll));
    let mut form = data::review_form(store, &call, &round, &member, id, app.lang)?;
    if let Some((focus, tab, scroll)) = keep {
        // The call may have changed underneath (fewer sections or criteria).
        form.set_focus(focus);
        form.tab = tab.min(form.tabs.len().saturating_sub(1));
        form.scroll = scroll;
    }
    app.queue.select_app(id);
    let revisit = app
        .queue
        .rows
        .iter()
        .find(|r| r.app_id == id)
        .and_then(|r| r.revisit.clone());
    app.review = Some(form);
    app.screen = Screen::Review;
    if let Some(note) = revisit {
        let text = format!(
            "{}{}",
            app.lang.pick(
                "秘书请您复核此项评分",
                "The secretary asks you to revisit this review"
            ),
            if note.trim().is_empty() {
                String::new()
            } else {
                format!(":{}", crate::base::text::sanitize(&note))
            }
        );
        app.warn(text);
    }
    Ok(())
}

/// Reloads after another process changed the database (or a write was
/// refused): the queue, and the open form unless a comment is being typed.
pub fn reload(app: &mut App, store: &mut Store) {
    if app.secretary.is_some()
        && let Err(e) = load_secretary(app, store)
    {
        app.error(e);
    }
    if app.screen == Screen::Timeline
        && let Some(id) = app
            .timeline
            .as_ref()
            .map(|t| t.timeline.applicant.id.clone())
    {
        match crate::panel::timeline::build_in(store, &id, app.member.as_ref(), app.lang) {
            Ok(t) => {
                if let Some(state) = &mut app.timeline {
                    state.replace(t);
                }
            }
            Err(e) => {
                // e.g. a conflict declared meanwhile: nothing of it stays on screen.
                app.screen = app.timeline.take().map_or(Screen::Queue, |t| t.back);
                app.error(e.to_string());
            }
        }
    }
    let (Some(member), Some(round)) = (app.member.clone(), app.round.clone()) else {
        return;
    };
    let result = (|| -> anyhow::Result<()> {
        let round = store.round(&round.id)?.unwrap_or(round);
        app.round = Some(round.clone());
        let call = data::call_of(store, &round)?;
        let rows = data::queue_rows(store, &call, &round, &member, app.lang)?;
        app.queue.replace_rows(rows);
        if app.editor.is_none()
            && let Some(id) = app.review.as_ref().map(|f| f.app.id.clone())
        {
            // Digits being typed, and the value they replace as this screen
            // saw it stored.
            let typing = app
                .review
                .as_ref()
                .and_then(|f| Some((f.input.clone()?, f.focus, f.stored.get(f.focus).copied()?)));
            if let Err(e) = open_review(app, store, &id) {
                // e.g. a conflict declared meanwhile: nothing of it stays on screen.
                app.review = None;
                app.screen = Screen::Queue;
                return Err(e);
            }
            if let Some((input, focus, was)) = typing {
                restore_typing(app, input, focus, was);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        app.error(e.to_string());
    }
}

/// Keeps the digits being typed across a reload, unless the stored value of
/// that criterion changed meanwhile (the same member in another terminal):
/// then the stale digits are dropped, the stored value shown, and the
/// member told, so a half-typed value never overwrites a newer one.
fn restore_typing(app: &mut App, input: String, focus: usize, was: Option<f64>) {
    let lang = app.lang;
    let read_only = app.review_read_only().is_some();
    let Some(form) = &mut app.review else { return };
    if form.focus != focus || read_only {
        return;
    }
    let now = form.stored.get(focus).copied().flatten();
    let same = match (now, was) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    };
    if same {
        form.input = Some(input);
        return;
    }
    let name = form
        .criteria
        .get(focus)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let shown = now.map_or_else(|| lang.pick("空", "blank").to_string(), |v| v.to_string());
    app.warn(format!(
        "{}{name}{}{shown}{}{input}{}",
        lang.pick("「", "'"),
        lang.pick("」已在别处改为 ", "' was changed elsewhere to "),
        lang.pick(";您正在输入的 ", "; what you were typing ("),
        lang.pick(" 已清除。", ") is cleared.")
    ));
}
