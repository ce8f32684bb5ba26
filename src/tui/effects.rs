//! The runtime's effects: each one the update asked for, performed
//! against the store, its result folded into the app. A refused write
//! shows its reason and reloads from the store, so the screen never shows
//! a value that is not saved.

use super::app::{App, Effect, Screen};
use super::load::{open_review, reload};
use super::review_effects as review;
use super::secretary_effects as secretary;
use super::sign_in::{set_own_passphrase, sign_in, sign_in_with_passphrase};
use super::{search, timeline};
use crate::store::Store;

/// Performs one effect against the store and folds the result into the app.
/// A refused write shows its reason and reloads the form from the store,
/// so the screen never shows a value that is not saved.
pub fn perform(app: &mut App, store: &mut Store, effect: Effect) {
    let who = app.actor();
    let target = app.review_target();
    let result: Result<(), String> = match effect {
        Effect::SignIn(id) => sign_in(app, store, &id).map_err(|e| e.to_string()),
        Effect::SignInWithPassphrase { member, passphrase } => {
            sign_in_with_passphrase(app, store, member, &passphrase)
        }
        Effect::SetOwnPassphrase { member, phrase } => {
            set_own_passphrase(app, store, &member, &phrase)
        }
        Effect::OpenReview(id) => open_review(app, store, &id).map_err(|e| e.to_string()),
        Effect::SetValue {
            criterion,
            value,
            expected,
        } => review::set_value(app, store, &who, target, criterion, value, expected),
        Effect::SaveBuffer { criterion, text } => {
            if let Some(target) = &target {
                super::comments::save_buffer(app, store, &who, target, criterion, text);
            }
            Ok(())
        }
        Effect::CommitComment { criterion, text } => {
            if let Some(target) = &target {
                super::comments::commit(app, store, &who, target, criterion, text);
            }
            Ok(())
        }
        Effect::DiscardBuffer { criterion } => {
            review::discard_buffer(app, store, &who, target, &criterion)
        }
        Effect::Submit => review::set_submitted(app, store, &who, target, true),
        Effect::Reopen => review::set_submitted(app, store, &who, target, false),
        Effect::ExternalEditor { .. } => Ok(()),
        Effect::OpenMatrix | Effect::LoadMatrix => {
            secretary::load_secretary(app, store).map(|_| {
                if app.screen != Screen::List {
                    app.screen = Screen::Matrix;
                }
            })
        }
        Effect::Drill(id) => secretary::drill(app, store, &id),
        Effect::Override {
            app: id,
            outcome,
            reason,
        } => secretary::secretary_write(app, store, |w, round| {
            w.set_override(round, &id, Some((outcome, &reason)))
                .map(drop)
        }),
        Effect::ClearOverride(id) => secretary::secretary_write(app, store, |w, round| {
            w.set_override(round, &id, None).map(drop)
        }),
        Effect::ToggleDiscussed(id) => secretary::toggle_discussed(app, store, &id),
        Effect::SaveNote { app: id, note } => secretary::secretary_write(app, store, |w, round| {
            w.set_discussion_note(round, &id, &note).map(drop)
        }),
        Effect::Revisit {
            app: id,
            member,
            note,
        } => secretary::revisit(app, store, &id, &member, &note),
        Effect::Advance => {
            secretary::secretary_write(app, store, |w, round| w.advance_round(round).map(drop))
        }
        Effect::Finalise => secretary::finalise(app, store, &who),
        Effect::OpenAssessment => secretary::open_assessment(app, store, &who),
        Effect::Export => secretary::export(app, store),
        Effect::Search(text) => run_search(app, store, text),
        Effect::OpenTimeline(id) => open_timeline(app, store, &id),
    };
    if let Err(e) = result {
        app.error(e);
        reload(app, store);
    }
}

/// Builds an application's timeline as the signed-in member may read it
/// and shows it; a refusal (recused) leaves the screen as it was.
fn open_timeline(app: &mut App, store: &mut Store, id: &str) -> Result<(), String> {
    let built = crate::panel::timeline::build_in(store, id, app.member.as_ref(), app.lang)
        .map_err(|e| e.to_string())?;
    let back = match app.screen {
        Screen::Timeline => app.timeline.as_ref().map_or(Screen::Queue, |t| t.back),
        Screen::Search => {
            // A search opened from a timeline returns past it, so the two
            // never send Esc back and forth.
            let before = app.timeline.as_ref().map_or(Screen::Queue, |t| t.back);
            if let Some(s) = &mut app.search
                && s.back == Screen::Timeline
            {
                s.back = before;
            }
            Screen::Search
        }
        other => other,
    };
    app.timeline = Some(timeline::TimelineState::new(built, back));
    app.screen = Screen::Timeline;
    Ok(())
}

/// Sends a search to the worker (started on first use, on its own
/// connection); without a terminal (tests) it runs here.
fn run_search(app: &mut App, store: &mut Store, text: String) -> Result<(), String> {
    const LIMIT: usize = 200;
    let Some(s) = &mut app.search else {
        return Ok(());
    };
    s.sent += 1;
    let seq = s.sent;
    if app.search_worker.is_none() && INTERACTIVE.load(std::sync::atomic::Ordering::Relaxed) {
        app.search_worker = Some(search::Worker::start(
            store.path().to_path_buf(),
            app.member.clone(),
            LIMIT,
        ));
    }
    match &app.search_worker {
        Some(w) => w.ask(seq, &text),
        None => {
            let found = search::search_now(store, app.member.as_ref(), &text, LIMIT);
            let s = app.search.as_mut().expect("search open");
            s.ready = true;
            s.shown = seq;
            match found {
                Ok(r) => {
                    s.results = r;
                    s.error = None;
                }
                Err(e) => s.error = Some(e),
            }
        }
    }
    Ok(())
}

/// Set by `run`: a real terminal session uses a worker thread for search.
pub static INTERACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
