//! The review's writes: a score, a kept comment discarded, submitting and
//! reopening. Each is for the review open on screen (`target`: round,
//! member, application); with none open there is nothing to write.

use super::app::App;
use super::comments;
use super::load::open_review;
use crate::domain::ReviewStatus;
use crate::store::{Store, StoreError};

type Target = Option<(String, String, String)>;

/// Writes one score, unless the stored value is no longer `expected`
/// (another session changed it: the member is asked which to keep).
pub(super) fn set_value(
    app: &mut App,
    store: &mut Store,
    who: &str,
    target: Target,
    criterion: String,
    value: Option<f64>,
    expected: Option<f64>,
) -> Result<(), String> {
    let Some((round, member, application)) = target else {
        return Ok(());
    };
    let written = store.write(who, true, |w| {
        w.set_score_value(
            &round,
            &member,
            &application,
            &criterion,
            value,
            Some(expected),
        )
    });
    match written {
        Ok(_) => {
            if let Some(form) = &mut app.review
                && let Some(i) = form.criteria.iter().position(|c| c.id == criterion)
            {
                form.stored[i] = value;
            }
            app.set_review_status(ReviewStatus::Draft);
        }
        Err(StoreError::Conflict { stored }) => comments::conflict(app, &criterion, value, stored),
        // What was typed is not saved: it leaves the screen.
        Err(e) => comments::refused_value(app, store, e.to_string()),
    }
    Ok(())
}

/// Drops the comment kept from an earlier session for `criterion`.
pub(super) fn discard_buffer(
    app: &mut App,
    store: &mut Store,
    who: &str,
    target: Target,
    criterion: &str,
) -> Result<(), String> {
    let Some((round, member, application)) = target else {
        return Ok(());
    };
    store
        .write(who, true, |w| {
            w.discard_edit_buffer(&round, &member, &application, criterion)
        })
        .map(|_| {
            if let Some(form) = &mut app.review {
                form.kept.remove(criterion);
            }
        })
        .map_err(|e| e.to_string())
}

/// Submits the open review (`submit`), or reopens it for changes, and
/// shows it as it now is.
pub(super) fn set_submitted(
    app: &mut App,
    store: &mut Store,
    who: &str,
    target: Target,
    submit: bool,
) -> Result<(), String> {
    let Some((round, member, application)) = target else {
        return Ok(());
    };
    store
        .write(who, true, |w| {
            if submit {
                w.submit_review(&round, &member, &application)
            } else {
                w.reopen_review(&round, &member, &application)
            }
        })
        .map_err(|e| e.to_string())?;
    let _ = open_review(app, store, &application);
    if submit {
        app.set_review_status(ReviewStatus::Submitted);
        app.info(app.lang.pick("已提交。", "Submitted."));
    } else {
        app.set_review_status(ReviewStatus::Draft);
        comments::after_reopen(app);
    }
    Ok(())
}
