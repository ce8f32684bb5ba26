//! The list as it stands: the proposal per tier under the call's balance
//! rules (in an assessment round, grades and consequences over the pilots'
//! history), the secretary's overrides, and finalising it into decisions.

use super::matrix::{Matrix, matrix, tie_scores};
use crate::domain::aggregate::Method;
use crate::domain::management::{self, Pilot, Reserve};
use crate::domain::selection::{self, Candidate, Line, Rules};
use crate::domain::*;
use crate::panel::pilots;
use crate::store::{Result, Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;
/// The proposed list of one tier.
#[derive(Debug, Clone, Serialize)]
pub struct TierList {
    pub tier: String,
    pub rules: Rules,
    pub lines: Vec<Line>,
    /// Withheld from this reader: they review an application of the tier
    /// and may not yet read the others' reviews of it, so the proposal,
    /// which rests on those, waits until they have submitted.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub withheld: bool,
}

impl TierList {
    /// Why a tier's proposal is not shown to a secretary who also reviews it.
    pub fn withheld_note(lang: crate::base::i18n::Lang) -> &'static str {
        lang.pick(
            "  您是本层级申报的评审专家:提交本层级全部评分后才能看到拟定名单。",
            "  You review applications of this tier: its proposed list shows once you have submitted your reviews in it.",
        )
    }
}

/// The proposal with the secretary's overrides applied: the list as it stands.
pub fn settle(store: &Store, call: &Call, m: &Matrix) -> Result<Vec<TierList>> {
    let overrides = store.overrides(&m.round.id)?;
    if m.round.kind == RoundKind::Assessment {
        return settle_assessment(store, call, m, &overrides);
    }
    let mut lists = propose(call, m);
    for list in &mut lists {
        selection::apply_overrides(&mut list.lines, &overrides);
    }
    Ok(lists)
}

/// An assessment round's list per tier: grades, consequences and promotions.
fn settle_assessment(
    store: &Store,
    call: &Call,
    m: &Matrix,
    overrides: &BTreeMap<String, (Outcome, String)>,
) -> Result<Vec<TierList>> {
    let round = &m.round;
    let year = round
        .year
        .ok_or_else(|| StoreError::Corrupt(format!("assessment round {} has no year", round.id)))?;
    let rubric = call
        .rubric(&round.rubric)
        .ok_or_else(|| StoreError::Corrupt(format!("round {} has no rubric", round.id)))?;
    let apps: BTreeMap<String, crate::store::AppFacts> = store
        .app_facts(&call.info.id)?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let failed = pilots::failures(store, call, Some(year))?;
    let reserves = pilots::reserves(store, call, Some(year), &apps)?;
    Ok(call
        .tiers
        .iter()
        .map(|tier| {
            let pilots: Vec<Pilot> = m
                .rows
                .iter()
                .filter(|r| r.tier == tier.id)
                .map(|r| Pilot {
                    app: r.app.clone(),
                    prefecture: r.prefecture.clone(),
                    score: r.aggregate.as_ref().map(|a| a.value),
                    tie_scores: tie_scores(r, call.tie_break(tier, rubric)),
                    failed_before: failed.get(&r.app).cloned().unwrap_or_default(),
                    direct: r.verdict == Verdict::DirectlyIncluded,
                })
                .collect();
            // A reserve being assessed here is a pilot already, whatever
            // the history says.
            let available: Vec<Reserve> = reserves
                .get(&tier.id)
                .into_iter()
                .flatten()
                .filter(|r| !m.rows.iter().any(|row| row.app == r.app))
                .cloned()
                .collect();
            let context = management::Round {
                rules: &call.management,
                rubric,
                year,
                midterm: round.midterm,
                today: round.deadline,
                prefecture_cap: tier.prefecture_cap,
                direct_counts_toward_cap: tier.direct_counts_toward_cap,
                tie_break: call.tie_break(tier, rubric),
            };
            let lines = management::assess(context, &pilots, &available, overrides);
            let promoted = lines
                .iter()
                .filter(|l| l.outcome == Outcome::Promoted)
                .count();
            TierList {
                tier: tier.id.clone(),
                // In an assessment list the quota is the pilots assessed and
                // the reserves those left to promote after this list's
                // promotions (docs/formats.md says so too).
                rules: Rules {
                    quota: pilots.len(),
                    prefecture_cap: tier.prefecture_cap as usize,
                    region_floor: 0,
                    min_score: 0.0,
                    reserves: available.len() - promoted,
                    direct_counts_toward_cap: tier.direct_counts_toward_cap,
                    direct_fills_region_floor: tier.direct_fills_region_floor,
                },
                lines,
                withheld: false,
            }
        })
        .collect())
}

/// Proposes every tier's list from the matrix.
pub fn propose(call: &Call, m: &Matrix) -> Vec<TierList> {
    let no_criteria = Vec::new();
    call.tiers
        .iter()
        .map(|tier| {
            let tie_break = call
                .rubric(&m.round.rubric)
                .map_or(&no_criteria[..], |rubric| call.tie_break(tier, rubric));
            let candidates: Vec<Candidate> = m
                .rows
                .iter()
                .filter(|r| r.tier == tier.id)
                .map(|r| Candidate {
                    app: r.app.clone(),
                    prefecture: r.prefecture.clone(),
                    region: r.region.clone(),
                    verdict: r.verdict,
                    failed_checks: r.failed_checks.clone(),
                    score: r.aggregate.as_ref().map(|a| a.value),
                    tie_scores: tie_scores(r, tie_break),
                })
                .collect();
            let rules = Rules {
                quota: tier.quota as usize,
                prefecture_cap: tier.prefecture_cap as usize,
                region_floor: tier.region_floor as usize,
                min_score: tier.min_score,
                reserves: tier.reserves as usize,
                direct_counts_toward_cap: tier.direct_counts_toward_cap,
                direct_fills_region_floor: tier.direct_fills_region_floor,
            };
            TierList {
                tier: tier.id.clone(),
                lines: selection::propose(&rules, tie_break, &candidates),
                rules,
                withheld: false,
            }
        })
        .collect()
}

/// Finalises a round: the settled list becomes one decision per application
/// with its rationale (in Chinese, the panel's language), and the round is
/// frozen, in one transaction. Refused while assigned reviews are missing,
/// unless `allow_missing`. Returns the number of decisions.
pub fn finalise(
    store: &mut Store,
    round: &str,
    method: Method,
    allow_missing: bool,
    actor: &str,
    lang: crate::base::i18n::Lang,
) -> Result<usize> {
    finalise_on(store, round, method, allow_missing, actor, lang, None)
}

/// [`finalise`], dating the decisions `decided_on` (a round decided earlier
/// and recorded now) instead of today.
pub fn finalise_on(
    store: &mut Store,
    round: &str,
    method: Method,
    allow_missing: bool,
    actor: &str,
    lang: crate::base::i18n::Lang,
    decided_on: Option<chrono::NaiveDate>,
) -> Result<usize> {
    let r = store.round(round)?.ok_or_else(|| {
        StoreError::Refused(format!("{} {round:?}", lang.pick("找不到轮次", "no round")))
    })?;
    let progress = store.progress(&r)?;
    let missing = progress.draft + progress.not_started;
    if missing > 0 && !allow_missing {
        return Err(StoreError::Refused(format!(
            "{missing} {}",
            lang.pick(
                "份评分尚未提交;全部提交后再定案(命令行可用 --allow-missing)。",
                "assigned reviews are not submitted; finalise when all are in (or pass --allow-missing)."
            )
        )));
    }
    let (call, m) = matrix(store, round, method)?;
    let lists = settle(store, &call, &m)?;
    if m.round.kind == RoundKind::Assessment {
        // A pilot without a single submitted review has no grade, and no
        // consequence can be decided for it, missing reviews allowed or not.
        let ungraded: Vec<String> = lists
            .iter()
            .flat_map(|l| &l.lines)
            .filter(|l| l.outcome != Outcome::Promoted && l.grade.is_none())
            .map(|l| m.app_name(&l.app))
            .collect();
        if !ungraded.is_empty() {
            return Err(StoreError::Refused(format!(
                "{}{}",
                lang.pick(
                    "以下试点没有已提交的评分,无法定等次:",
                    "no submitted review, so no grade, for: "
                ),
                ungraded.join(lang.pick("、", ", "))
            )));
        }
    }
    let zh = crate::base::i18n::Lang::Zh;
    let describe = |id: &str| m.label(&call, id, zh);
    let decisions: Vec<Ruling> = lists
        .iter()
        .flat_map(|list| list.lines.iter().map(move |line| (list, line)))
        .map(|(list, line)| {
            // The score as stored, and as the rationale states it.
            let score = line.score.map(|s| (s * 100.0).round() / 100.0);
            let facts = Facts {
                tier: list.tier.clone(),
                method: method.as_str().to_string(),
                rank: line.rank,
                basis: line.basis,
                reasons: line.reasons.clone(),
            };
            Ruling {
                application: line.app.clone(),
                outcome: line.outcome,
                grade: line.grade.clone(),
                score,
                due_on: line.due_on,
                rationale: facts.rationale(score, line.grade.as_deref(), zh, &describe),
                facts,
            }
        })
        .collect();
    let n = decisions.len();
    // Finalising freezes a round: keep a copy of the database as it was.
    store.backup_before("before-finalise")?;
    store.write(actor, true, |w| w.finalise(round, &decisions, decided_on))?;
    Ok(n)
}
