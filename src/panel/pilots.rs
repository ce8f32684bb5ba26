//! The pilots after selection, read from the store: who is a pilot now,
//! which reserves remain, who failed which year (what `tally` settles an
//! assessment round's list from); and opening the next year's assessment
//! round over the pilots.

use crate::base::i18n::say;
use crate::domain::management::Reserve;
use crate::domain::*;
use crate::store::{Result, Store, StoreError};
use std::collections::BTreeMap;

/// A round's place in time: an assessment by its year, a selection before
/// the pilots start.
fn when(call: &Call, round: &Round) -> i32 {
    match (round.kind, round.year) {
        (RoundKind::Assessment, Some(y)) => y,
        _ => call.info.pilot_start - 1,
    }
}

/// Finalised rounds of a call before `year` (all when None), oldest first.
fn finalised_before(store: &Store, call: &Call, year: Option<i32>) -> Result<Vec<Round>> {
    let mut rounds: Vec<Round> = store
        .rounds()?
        .into_iter()
        .filter(|r| r.call == call.info.id && r.state == RoundState::Finalised)
        .filter(|r| year.is_none_or(|y| when(call, r) < y))
        .collect();
    rounds.sort_by_key(|r| (when(call, r), r.id.clone()));
    Ok(rounds)
}

/// Everything decided about each application, oldest first.
fn history(
    store: &Store,
    call: &Call,
    year: Option<i32>,
) -> Result<BTreeMap<String, Vec<(Round, Decision)>>> {
    let mut out: BTreeMap<String, Vec<(Round, Decision)>> = BTreeMap::new();
    for round in finalised_before(store, call, year)? {
        for d in store.decisions(&round.id)? {
            out.entry(d.application.clone())
                .or_default()
                .push((round.clone(), d));
        }
    }
    Ok(out)
}

/// The pilots as of `year` (before its assessment): applications whose
/// latest decision makes them one (selected, continued, warned, promoted).
pub fn pilots(store: &Store, call: &Call, year: Option<i32>) -> Result<Vec<String>> {
    Ok(history(store, call, year)?
        .into_iter()
        .filter(|(_, h)| {
            h.last()
                .and_then(|(_, d)| d.outcome)
                .is_some_and(Outcome::is_pilot)
        })
        .map(|(app, _)| app)
        .collect())
}

/// Reserves of the selection not yet promoted, per tier, best score first.
pub fn reserves(
    store: &Store,
    call: &Call,
    year: Option<i32>,
    apps: &BTreeMap<String, crate::store::AppFacts>,
) -> Result<BTreeMap<String, Vec<Reserve>>> {
    let mut out: BTreeMap<String, Vec<Reserve>> = BTreeMap::new();
    for (app, h) in history(store, call, year)? {
        let reserve = h
            .iter()
            .any(|(r, d)| r.kind == RoundKind::Selection && d.outcome == Some(Outcome::Reserve));
        let promoted = h.iter().any(|(_, d)| d.outcome == Some(Outcome::Promoted));
        if reserve
            && !promoted
            && let Some(a) = apps.get(&app)
        {
            let score = h.iter().find_map(|(_, d)| d.score);
            out.entry(a.tier.clone()).or_default().push(Reserve {
                prefecture: a.prefecture.clone(),
                app,
                score,
            });
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| {
            b.score
                .unwrap_or(f64::MIN)
                .total_cmp(&a.score.unwrap_or(f64::MIN))
                .then_with(|| a.app.cmp(&b.app))
        });
    }
    Ok(out)
}

/// Years each application failed an assessment before `year`.
pub fn failures(
    store: &Store,
    call: &Call,
    year: Option<i32>,
) -> Result<BTreeMap<String, Vec<i32>>> {
    let mut out: BTreeMap<String, Vec<i32>> = BTreeMap::new();
    for (app, h) in history(store, call, year)? {
        for (round, d) in h {
            let failing = round.kind == RoundKind::Assessment
                && d.grade.as_deref().is_some_and(|g| {
                    call.rubric(&round.rubric)
                        .is_some_and(|rubric| rubric.is_failing(g))
                });
            if failing {
                out.entry(app.clone()).or_default().push(when(call, &round));
            }
        }
    }
    Ok(out)
}

/// The call given, else the database's only one; refused (in the
/// process's language) when there is none, or several to choose from.
pub fn call_or_only(store: &Store, call: Option<String>) -> anyhow::Result<String> {
    if let Some(c) = call {
        return Ok(c);
    }
    match store.calls()?.as_slice() {
        [only] => Ok(only.info.id.clone()),
        [] => anyhow::bail!("{}", say("没有通知:请先导入", "no call: import one first")),
        _ => anyhow::bail!(
            "--call: {}",
            say(
                "此数据库有多个通知,请指明是哪一个",
                "this database holds several calls; say which"
            )
        ),
    }
}

/// When a year's assessment is due unless the secretary says otherwise:
/// 31 March of the year after (None past the calendar's range).
pub fn default_deadline(year: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(year.checked_add(1)?, 3, 31)
}

/// Opens the assessment of `year` over the current pilots: a round on the
/// call's assessment rubric, every reviewer assigned to every pilot (the
/// usual recusals apply). Returns the new round.
pub fn open_assessment(
    store: &mut Store,
    call_id: &str,
    year: i32,
    midterm: bool,
    deadline: chrono::NaiveDate,
    actor: &str,
) -> Result<Round> {
    let call = store.call(call_id)?.ok_or_else(|| {
        StoreError::Refused(say(
            format!("找不到通知 {call_id:?}"),
            format!("no call {call_id:?}"),
        ))
    })?;
    let rubric = call.assessment_rubric().ok_or_else(|| {
        StoreError::Refused(say(
            format!("通知 {call_id} 没有考核评分细则(带等次分档的评分细则)"),
            format!("call {call_id} has no assessment rubric (a rubric with grade bands)"),
        ))
    })?;
    if !(call.info.pilot_start..=call.info.pilot_end).contains(&year) {
        let (start, end) = (call.info.pilot_start, call.info.pilot_end);
        return Err(StoreError::Refused(say(
            format!("year:本通知的试点期为 {start}–{end} 年;{year} 年不在其内"),
            format!("year: the call's pilots run {start}–{end}; {year} is outside it"),
        )));
    }
    let id = format!("asm-{year}");
    if store.round(&id)?.is_some() {
        return Err(StoreError::Refused(say(
            format!("轮次 {id} 已存在"),
            format!("round {id} already exists"),
        )));
    }
    // Who is a pilot in `year` rests on every earlier round's decisions.
    let open: Vec<String> = store
        .rounds()?
        .into_iter()
        .filter(|r| r.call == call.info.id && r.state != RoundState::Finalised)
        .filter(|r| when(&call, r) < year)
        .map(|r| r.id)
        .collect();
    if !open.is_empty() {
        return Err(StoreError::Refused(say(
            format!(
                "请先为此前的轮次定案({}):{year} 年哪些是试点取决于它们",
                open.join("、")
            ),
            format!(
                "finalise the earlier rounds first ({}): who is a pilot in {year} rests on them",
                open.join(", ")
            ),
        )));
    }
    let pilots = pilots(store, &call, Some(year))?;
    if pilots.is_empty() {
        return Err(StoreError::Refused(say(
            format!("{year} 年没有可考核的试点:请先为遴选定案"),
            format!("no pilots to assess in {year}: finalise the selection first"),
        )));
    }
    // A mid-term by the call's rules, or because the secretary says so.
    let midterm = midterm || call.management.midterm_years.contains(&year);
    let round = Round {
        id: id.clone(),
        call: call.info.id.clone(),
        kind: RoundKind::Assessment,
        name: format!(
            "{year}年度试点考核{}",
            if midterm { "(中期评估)" } else { "" }
        ),
        name_en: format!(
            "{year} annual assessment{}",
            if midterm { " (mid-term)" } else { "" }
        ),
        rubric: rubric.id.clone(),
        deadline,
        state: RoundState::Scoring,
        year: Some(year),
        midterm,
    };
    let reviewers: Vec<Member> = store
        .members()?
        .into_iter()
        .filter(|m| m.has_role(Role::Reviewer))
        .collect();
    store.write(actor, true, |w| {
        w.add_round(&round)?;
        for m in &reviewers {
            for app in &pilots {
                w.put_assignment(&Assignment {
                    round: id.clone(),
                    member: m.id.clone(),
                    application: app.clone(),
                })?;
            }
        }
        Ok(())
    })?;
    Ok(round)
}
