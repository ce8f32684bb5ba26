//! Loads what the screens show from the store: the member's queue for the
//! current round, and one application's review form.

use super::queue::{MyStatus, QueueRow};
use super::review::{OtherReview, Others, ReviewForm, tabs_for};
use crate::base::i18n::{Lang, name_in};
use crate::base::text::sanitize;
use crate::domain::review::total;
use crate::domain::*;
use crate::store::{AppFacts, Result, Store, StoreError};
use std::collections::BTreeMap;

/// The round a member works in: the latest round (by deadline) in which they
/// have assignments, preferring rounds that still take scores.
pub fn current_round(store: &Store, member: &str) -> Result<Option<Round>> {
    let mut best: Option<Round> = None;
    let assigned = store.rounds_assigned(member)?;
    for round in store.rounds()? {
        if !assigned.contains(&round.id) {
            continue;
        }
        let better = match &best {
            None => true,
            Some(b) => {
                (round.state.accepts_scores(), round.deadline)
                    >= (b.state.accepts_scores(), b.deadline)
            }
        };
        if better {
            best = Some(round);
        }
    }
    Ok(best)
}

pub fn call_of(store: &Store, round: &Round) -> Result<Call> {
    store
        .call(&round.call)?
        .ok_or_else(|| StoreError::Corrupt(format!("round {} has no call", round.id)))
}

/// The filter choices: tiers and prefectures as (id, name) in call order.
/// (id, display name) pairs.
pub type Choices = Vec<(String, String)>;

pub fn choices(call: &Call, lang: Lang) -> (Choices, Choices) {
    let tiers = call
        .tiers
        .iter()
        .map(|t| (t.id.clone(), name_in(lang, &t.name, &t.name_en).to_string()))
        .collect();
    let prefs = call
        .prefectures
        .iter()
        .map(|p| (p.id.clone(), name_in(lang, &p.name, &p.name_en).to_string()))
        .collect();
    (tiers, prefs)
}

/// The member's assigned applications in the round, as queue rows.
pub fn queue_rows(
    store: &Store,
    call: &Call,
    round: &Round,
    member: &Member,
    lang: Lang,
) -> Result<Vec<QueueRow>> {
    let rubric = call.rubric(&round.rubric);
    // What each row shows, without the applications' texts: their
    // verdicts are stored (the material loads when a review opens).
    let apps: BTreeMap<String, AppFacts> = store
        .app_facts(&call.info.id)?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mine: BTreeMap<String, Review> = store
        .reviews(&round.id)?
        .into_iter()
        .filter(|r| r.member == member.id)
        .map(|r| (r.application.clone(), r))
        .collect();
    let revisits = store.open_revisits(&round.id)?;
    // The member's declared conflicts, read once (not a query per row).
    let declared = store.conflicts_of(&member.id)?;
    let mut rows = Vec::new();
    for a in store
        .assignments(&round.id)?
        .into_iter()
        .filter(|a| a.member == member.id)
    {
        let Some(app) = apps.get(&a.application) else {
            continue;
        };
        let recused =
            crate::domain::panel::recusal(member, &app.prefecture, declared.get(&app.id)).is_some();
        let review = mine.get(&app.id);
        let status = match (recused, review.map(|r| r.status)) {
            (true, _) => MyStatus::Recused,
            (_, Some(ReviewStatus::Submitted)) => MyStatus::Submitted,
            (_, Some(ReviewStatus::Draft)) => MyStatus::Draft,
            (_, None) => MyStatus::NotStarted,
        };
        let my_total = match (recused, review, rubric) {
            (false, Some(r), Some(rubric)) if !r.values().is_empty() => {
                Some(total(rubric, &app.tier, &r.values()).of_100)
            }
            _ => None,
        };
        rows.push(QueueRow {
            app_id: app.id.clone(),
            name: app.shown(lang),
            tier: app.tier.clone(),
            tier_name: call
                .tier(&app.tier)
                .map(|t| name_in(lang, &t.name, &t.name_en).to_string())
                .unwrap_or_else(|| app.tier.clone()),
            prefecture: app.prefecture.clone(),
            prefecture_name: call
                .prefecture(&app.prefecture)
                .map(|p| name_in(lang, &p.name, &p.name_en).to_string())
                .unwrap_or_else(|| app.prefecture.clone()),
            verdict: app.verdict,
            status,
            total: my_total,
            revisit: revisits.get(&(member.id.clone(), app.id.clone())).cloned(),
        });
    }
    Ok(rows)
}

/// The review form of one application for one member. Text from the data
/// is stripped of control characters and escape sequences here, once.
/// Labels from the call in the interface language: English names where the
/// call gives them, Chinese otherwise.
fn localise_criteria(criteria: &mut [Criterion], lang: Lang) {
    for c in criteria {
        c.name = c.shown(lang);
        c.low = sanitize(&c.low);
        c.mid = sanitize(&c.mid);
        c.full = sanitize(&c.full);
    }
}

pub fn review_form(
    store: &Store,
    call: &Call,
    round: &Round,
    member: &Member,
    app_id: &str,
    lang: Lang,
) -> Result<ReviewForm> {
    let mut app = store
        .application(app_id)?
        .ok_or_else(|| StoreError::Refused(format!("no application {app_id:?}")))?;
    if store.recusal(member, &app)?.is_some() {
        return Err(StoreError::Refused(
            lang.pick("您已回避此申报。", "You are recused from this application.")
                .into(),
        ));
    }
    app.name = app.shown(lang);
    for text in app.sections.values_mut() {
        *text = sanitize(text);
    }
    for p in &mut app.projects {
        p.name = sanitize(&p.name);
        p.category = sanitize(&p.category);
        p.status = sanitize(&p.status);
    }
    let rubric = call
        .rubric(&round.rubric)
        .cloned()
        .ok_or_else(|| StoreError::Corrupt(format!("round {} has no rubric", round.id)))?;
    let mut criteria: Vec<Criterion> = rubric.criteria_for(&app.tier).cloned().collect();
    localise_criteria(&mut criteria, lang);
    let reviews = store.reviews(&round.id)?;
    let mine = reviews
        .iter()
        .find(|r| r.member == member.id && r.application == app.id);
    let values: Vec<Option<f64>> = criteria
        .iter()
        .map(|c| {
            mine.and_then(|r| r.scores.iter().find(|s| s.criterion == c.id))
                .and_then(|s| s.value)
        })
        .collect();
    let comments = criteria
        .iter()
        .map(|c| {
            mine.and_then(|r| r.scores.iter().find(|s| s.criterion == c.id))
                .map(|s| s.comment.clone())
                .unwrap_or_default()
        })
        .collect();
    let status = mine.map(|r| r.status);
    let submitted = status == Some(ReviewStatus::Submitted);
    // The store's rule (Writer::reopen_review): once submitting showed the
    // others' submitted reviews, only the secretary's revisit reopens it.
    let reopen_needs_revisit = submitted
        && call.info.reviews_visible == ReviewsVisible::AfterOwnSubmission
        && reviews.iter().any(|r| {
            r.application == app.id && r.member != member.id && r.status == ReviewStatus::Submitted
        });
    let others = match call.info.reviews_visible {
        ReviewsVisible::Never => Others::Hidden {
            until_submitted: false,
        },
        ReviewsVisible::AfterOwnSubmission if !submitted => Others::Hidden {
            until_submitted: true,
        },
        _ => {
            let members: BTreeMap<String, Member> = store
                .members()?
                .into_iter()
                .map(|m| (m.id.clone(), m))
                .collect();
            // Others' submitted reviews only: a draft is unfinished work,
            // and its author may still change it having seen nothing.
            let shown = reviews
                .iter()
                .filter(|r| {
                    r.application == app.id
                        && r.member != member.id
                        && r.status == ReviewStatus::Submitted
                })
                .map(|r| OtherReview {
                    member: members
                        .get(&r.member)
                        .map(|m| name_in(lang, &m.name, &m.name_en).to_string())
                        .unwrap_or_else(|| r.member.clone()),
                    status: r.status,
                    total: (!r.values().is_empty())
                        .then(|| total(&rubric, &app.tier, &r.values()).of_100),
                })
                .collect();
            Others::Shown(shown)
        }
    };
    let tier = call.tier(&app.tier);
    let actuals = store.actuals(&app.id)?;
    let kept = store
        .edit_buffers(&round.id, &member.id, &app.id)?
        .into_iter()
        .map(|(k, v)| (k, sanitize(&v)))
        .collect();
    let mut form = ReviewForm {
        actuals,
        round: round.id.clone(),
        eligibility: assess(call, &app),
        tier_name: tier
            .map(|t| name_in(lang, &t.name, &t.name_en).to_string())
            .unwrap_or_else(|| app.tier.clone()),
        prefecture_name: call
            .prefecture(&app.prefecture)
            .map(|p| name_in(lang, &p.name, &p.name_en).to_string())
            .unwrap_or_else(|| app.prefecture.clone()),
        region_name: call
            .region(&app.region)
            .map(|r| name_in(lang, &r.name, &r.name_en).to_string())
            .unwrap_or_default(),
        flag_names: app
            .flags
            .iter()
            .map(|f| {
                call.flag(f)
                    .map(|d| name_in(lang, &d.name, &d.name_en).to_string())
                    .unwrap_or_else(|| f.clone())
            })
            .collect(),
        indicators: tier
            .map(|t| {
                t.indicators
                    .iter()
                    .cloned()
                    .map(|mut d| {
                        d.name = name_in(lang, &d.name, &d.name_en).to_string();
                        d
                    })
                    .collect()
            })
            .unwrap_or_default(),
        tabs: tabs_for(call, lang),
        tab: 0,
        scroll: 0,
        detail_scroll: 0,
        focus: 0,
        input: None,
        overall: mine.map(|r| r.overall_comment.clone()).unwrap_or_default(),
        stored: values.clone(),
        kept,
        reopen_needs_revisit,
        values,
        comments,
        status,
        others,
        criteria,
        rubric,
        app,
    };
    form.set_focus(0);
    Ok(form)
}
