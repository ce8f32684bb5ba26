//! The secretary's view of a round, built from the store with the pure
//! maths in `domain`: the panel matrix (applications × reviewers), the
//! aggregates and ranks under each method, calibration and reliability, and
//! the proposed list per tier under the call's balance rules (in an
//! assessment round, under `domain::management` over the pilots' history
//! that `pilots` reads).

use crate::domain::aggregate::{self, Aggregate, Method, ReviewerStats, Totals};
use crate::domain::management::{self, Pilot, Reserve};
use crate::domain::review::total;
use crate::domain::selection::{self, Candidate, Line, Rules};
use crate::domain::*;
use crate::panel::pilots;
use crate::store::{Result, Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// One cell of the matrix: what a reviewer has for an application.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "total", rename_all = "snake_case")]
pub enum Cell {
    NotAssigned,
    Recused,
    /// Hidden from a viewer recused from the application (see `mask`).
    Masked,
    Missing,
    Draft(Option<f64>),
    Submitted(f64),
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub app: String,
    pub name: String,
    pub tier: String,
    pub prefecture: String,
    pub region: String,
    pub flags: Vec<String>,
    pub verdict: Verdict,
    /// The eligibility checks failed (ineligible applications).
    pub failed_checks: Vec<CheckKind>,
    pub cells: Vec<Cell>,
    /// Under the chosen method; None without a submitted review.
    pub aggregate: Option<Aggregate>,
    /// Rank within the tier under the chosen method, and under z-scores
    /// (`selection::rank`); None for an ineligible or directly-included
    /// application of a selection round, or one without a submitted review.
    pub rank: Option<usize>,
    pub adjusted_rank: Option<usize>,
    pub disputed: bool,
    /// Mean submitted sub-score per criterion id (for ties and drill-down).
    pub sub_scores: BTreeMap<String, f64>,
    /// Assessment rounds: actual investment in the round's year over the
    /// plan for that year (1.0 = all of it); None without a plan or actuals.
    pub completion: Option<f64>,
    /// Reviewers the secretary has sent this review back to (an open
    /// revisit request), so a changed review never changes unseen.
    pub revisits: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub round: Round,
    pub method: Method,
    /// Reviewers assigned in the round, in id order (the matrix columns).
    pub reviewers: Vec<Member>,
    pub rows: Vec<Row>,
    pub reviewer_stats: Vec<ReviewerStats>,
    pub alpha: Option<f64>,
    /// Every application of the call by id (promoted reserves are not rows
    /// of an assessment round, but their lines need a name and a place).
    #[serde(skip)]
    pub apps: BTreeMap<String, AppInfo>,
    /// Each tier's tie-break criteria in this round (for ranks worked out
    /// again on what a viewer may read).
    #[serde(skip)]
    pub tie_break: BTreeMap<String, Vec<String>>,
}

/// What a list line shows of an application.
#[derive(Debug, Clone, PartialEq)]
pub struct AppInfo {
    pub name: String,
    pub prefecture: String,
    pub region: String,
}

/// A row's mean sub-scores in a tie-break order (0 for a criterion without
/// a submitted value).
pub fn tie_scores(row: &Row, criteria: &[String]) -> Vec<f64> {
    criteria
        .iter()
        .map(|c| row.sub_scores.get(c).copied().unwrap_or(0.0))
        .collect()
}

/// The tie-break criteria of each tier in rounds on `round`'s rubric.
fn tie_breaks(call: &Call, round: &Round) -> BTreeMap<String, Vec<String>> {
    call.tiers
        .iter()
        .map(|tier| {
            let criteria = call
                .rubric(&round.rubric)
                .map(|rubric| call.tie_break(tier, rubric).to_vec())
                .unwrap_or_default();
            (tier.id.clone(), criteria)
        })
        .collect()
}

/// Ranks within each tier by `value`, as `selection::rank` defines the rank
/// (the one definition the lists use too). A selection round ranks eligible
/// applications only; an assessment round every pilot.
fn rank_within_tiers(
    kind: RoundKind,
    tie_break: &BTreeMap<String, Vec<String>>,
    rows: &[Row],
    value: impl Fn(&Row) -> Option<f64>,
) -> Vec<Option<usize>> {
    let mut ranks = vec![None; rows.len()];
    for (tier, criteria) in tie_break {
        let members: Vec<(usize, f64, Vec<f64>)> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| &r.tier == tier)
            .filter(|(_, r)| kind == RoundKind::Assessment || r.verdict == Verdict::Eligible)
            .filter_map(|(i, r)| Some((i, value(r)?, tie_scores(r, criteria))))
            .collect();
        let standings: Vec<selection::Standing<'_>> = members
            .iter()
            .map(|(i, v, subs)| selection::Standing {
                app: &rows[*i].app,
                score: *v,
                tie_scores: subs,
            })
            .collect();
        for ((i, _, _), placing) in members.iter().zip(selection::rank(&standings, criteria)) {
            ranks[*i] = Some(placing.rank);
        }
    }
    ranks
}

/// Builds the matrix of a round under an aggregation method.
pub fn matrix(store: &Store, round_id: &str, method: Method) -> Result<(Call, Matrix)> {
    let round = store.round(round_id)?.ok_or_else(|| {
        StoreError::Refused(crate::base::i18n::say(
            format!("找不到轮次 {round_id:?}"),
            format!("no round {round_id:?}"),
        ))
    })?;
    let call = store
        .call(&round.call)?
        .ok_or_else(|| StoreError::Corrupt(format!("round {round_id} has no call")))?;
    let rubric = call
        .rubric(&round.rubric)
        .ok_or_else(|| StoreError::Corrupt(format!("round {round_id} has no rubric")))?;
    let all_apps = store.applications(&call.info.id)?;
    let infos: BTreeMap<String, AppInfo> = all_apps
        .iter()
        .map(|a| {
            let info = AppInfo {
                name: a.name.clone(),
                prefecture: a.prefecture.clone(),
                region: a.region.clone(),
            };
            (a.id.clone(), info)
        })
        .collect();
    let assignments = store.assignments(&round.id)?;
    // A selection round ranks every application; an assessment round only
    // the pilots it assesses (those assigned in it).
    let apps: Vec<Application> = match round.kind {
        RoundKind::Selection => all_apps,
        RoundKind::Assessment => all_apps
            .into_iter()
            .filter(|a| assignments.iter().any(|x| x.application == a.id))
            .collect(),
    };
    let members: BTreeMap<String, Member> = store
        .members()?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect();
    let mut reviewer_ids: Vec<String> = assignments.iter().map(|a| a.member.clone()).collect();
    reviewer_ids.sort();
    reviewer_ids.dedup();
    let reviewers: Vec<Member> = reviewer_ids
        .iter()
        .filter_map(|id| members.get(id).cloned())
        .collect();
    let reviews: BTreeMap<(String, String), Review> = store
        .reviews(&round.id)?
        .into_iter()
        .map(|r| ((r.application.clone(), r.member.clone()), r))
        .collect();
    let assigned: std::collections::BTreeSet<(String, String)> = assignments
        .iter()
        .map(|a| (a.application.clone(), a.member.clone()))
        .collect();

    let revisits = store.open_revisits(&round.id)?;
    let mut totals: Totals = BTreeMap::new();
    let mut rows = Vec::new();
    for app in &apps {
        let mut cells = Vec::new();
        let mut subs: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for m in &reviewers {
            let key = (app.id.clone(), m.id.clone());
            let cell = if !assigned.contains(&key) {
                Cell::NotAssigned
            } else if store.recusal(m, app)?.is_some() {
                Cell::Recused
            } else {
                match reviews.get(&key) {
                    None => Cell::Missing,
                    Some(r) => {
                        let t = total(rubric, &app.tier, &r.values());
                        match r.status {
                            ReviewStatus::Submitted => {
                                totals
                                    .entry(app.id.clone())
                                    .or_default()
                                    .insert(m.id.clone(), t.of_100);
                                for s in &r.scores {
                                    if let Some(v) = s.value {
                                        subs.entry(s.criterion.clone()).or_default().push(v);
                                    }
                                }
                                Cell::Submitted(t.of_100)
                            }
                            ReviewStatus::Draft => {
                                Cell::Draft((!r.values().is_empty()).then_some(t.of_100))
                            }
                        }
                    }
                }
            };
            cells.push(cell);
        }
        let eligibility = assess(&call, app);
        rows.push(Row {
            app: app.id.clone(),
            name: app.name.clone(),
            tier: app.tier.clone(),
            prefecture: app.prefecture.clone(),
            region: app.region.clone(),
            flags: app.flags.clone(),
            verdict: eligibility.verdict,
            failed_checks: eligibility.failures().map(|c| c.kind).collect(),
            cells,
            aggregate: None,
            rank: None,
            adjusted_rank: None,
            disputed: false,
            sub_scores: subs
                .into_iter()
                .map(|(k, v)| (k, aggregate::mean(&v).unwrap_or(0.0)))
                .collect(),
            completion: match (round.kind, round.year) {
                (RoundKind::Assessment, Some(year)) => {
                    let planned = app.plan_by_year().get(&year).copied().unwrap_or(0.0);
                    let actual = store.actuals(&app.id)?.get(&year).copied();
                    actual.filter(|_| planned > 0.0).map(|a| a / planned)
                }
                _ => None,
            },
            revisits: revisits
                .keys()
                .filter(|(_, a)| *a == app.id)
                .map(|(m, _)| m.clone())
                .collect(),
        });
    }
    let chosen = aggregate::aggregate(&totals, method);
    let adjusted = aggregate::aggregate(&totals, Method::ZScore);
    for row in &mut rows {
        row.aggregate = chosen.get(&row.app).cloned();
        row.disputed = row.aggregate.as_ref().is_some_and(|a| {
            aggregate::disputed(a, call.info.disagreement_range, call.info.disagreement_sd)
        });
    }
    let tie_break = tie_breaks(&call, &round);
    let ranks = rank_within_tiers(round.kind, &tie_break, &rows, |r| {
        r.aggregate.as_ref().map(|a| a.value)
    });
    let adjusted_ranks = rank_within_tiers(round.kind, &tie_break, &rows, |r| {
        adjusted.get(&r.app).map(|a| a.value)
    });
    for (row, (rank, adj)) in rows.iter_mut().zip(ranks.into_iter().zip(adjusted_ranks)) {
        row.rank = rank;
        row.adjusted_rank = adj;
    }
    let matrix = Matrix {
        reviewer_stats: aggregate::reviewer_stats(&totals),
        alpha: aggregate::krippendorff_alpha(&totals),
        round,
        method,
        reviewers,
        rows,
        apps: infos,
        tie_break,
    };
    Ok((call, matrix))
}

impl Matrix {
    /// An application's name as stored (sanitised), or its id.
    pub fn app_name(&self, app: &str) -> String {
        self.rows
            .iter()
            .find(|r| r.app == app)
            .map(|r| r.name.as_str())
            .or_else(|| self.apps.get(app).map(|a| a.name.as_str()))
            .map(crate::base::text::sanitize)
            .unwrap_or_else(|| app.to_string())
    }

    /// What an id in a selection reason names: a prefecture, region, tier or
    /// flag of the call, a criterion of the round's rubric (a tie settled by
    /// its sub-score), else an application of this round.
    pub fn label(&self, call: &Call, id: &str, lang: crate::base::i18n::Lang) -> String {
        call.name_of(id, lang)
            .or_else(|| {
                let rubric = call.rubric(&self.round.rubric)?;
                let c = rubric.criteria.iter().find(|c| c.id == id)?;
                Some(crate::base::i18n::name_in(lang, &c.name, &c.name_en).to_string())
            })
            .unwrap_or_else(|| self.app_name(id))
    }
}

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
    let apps: BTreeMap<String, Application> = store
        .applications(&call.info.id)?
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

/// The round a secretary works on: the latest not yet finalised, else the latest.
pub fn default_round(store: &Store) -> Result<Option<String>> {
    let rounds = store.rounds()?;
    Ok(rounds
        .iter()
        .rev()
        .find(|r| r.state != RoundState::Finalised)
        .or(rounds.last())
        .map(|r| r.id.clone()))
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

/// Shapes a matrix and its lists, settled on the full data, to what one
/// member may see (`sight`). Every figure left is computed from what the
/// member may read, so that none can be solved for a hidden one:
///
/// - a cell the viewer may not read is masked (who is recused is not review
///   content, and stays);
/// - a hidden application (recused from it, or reviewing it and not yet
///   allowed to read the others) keeps its outcome and nothing else: no
///   aggregate, rank, sub-score, grade, dispute flag, investment completion
///   (for the recused: `invest_done` is itself a criterion) or reason; its
///   lines move to the end of their tier;
/// - a tier holding a hidden application shows no ranks at all (1, 2, 4:
///   the hidden one is third);
/// - a visible line keeps no reason that names a hidden application
///   ("递补汨罗市退出后的名额", "同分并列:宁乡县");
/// - reviewers' statistics, α and z-scores are worked out again from the
///   readable cells alone: a z-score standardises by every total of a
///   reviewer, so the full ones carry the hidden totals (finding H2). The
///   list's z-score figures (the settled ones, which rest on every total)
///   are withheld from such a viewer.
pub fn mask(m: &mut Matrix, lists: &mut [TierList], sight: &crate::panel::sight::Sight) {
    // Any application: reasons name ones that are neither rows nor lines
    // (a reserve passed over in an assessment round).
    let is_hidden = |app: &str| sight.hidden(app);
    let mut partial = m.rows.iter().any(|r| is_hidden(&r.app))
        || lists.iter().flat_map(|l| &l.lines).any(|l| {
            is_hidden(&l.app)
                || l.reasons
                    .iter()
                    .any(|r| r.names_applications().iter().any(|a| is_hidden(a)))
        });
    for row in m.rows.iter_mut() {
        for (cell, reviewer) in row.cells.iter_mut().zip(&m.reviewers) {
            let status = match cell {
                Cell::NotAssigned | Cell::Recused | Cell::Masked => continue,
                Cell::Missing | Cell::Draft(_) => ReviewStatus::Draft,
                Cell::Submitted(_) => ReviewStatus::Submitted,
            };
            if !sight.may_read(&row.app, &reviewer.id, status) {
                partial |= matches!(cell, Cell::Submitted(_));
                *cell = Cell::Masked;
            }
        }
        if is_hidden(&row.app) {
            row.aggregate = None;
            row.rank = None;
            row.adjusted_rank = None;
            row.disputed = false;
            row.sub_scores.clear();
            row.revisits.clear();
            if sight.recused(&row.app) {
                row.completion = None;
            }
        }
    }
    if !partial {
        return;
    }
    let tiers: std::collections::BTreeSet<String> = m
        .rows
        .iter()
        .filter(|r| is_hidden(&r.app))
        .map(|r| r.tier.clone())
        .chain(
            lists
                .iter()
                .filter(|l| l.lines.iter().any(|x| is_hidden(&x.app)))
                .map(|l| l.tier.clone()),
        )
        .collect();
    let mut visible: Totals = BTreeMap::new();
    for row in &m.rows {
        for (cell, reviewer) in row.cells.iter().zip(&m.reviewers) {
            if let Cell::Submitted(v) = cell {
                visible
                    .entry(row.app.clone())
                    .or_default()
                    .insert(reviewer.id.clone(), *v);
            }
        }
    }
    m.reviewer_stats = aggregate::reviewer_stats(&visible);
    m.alpha = aggregate::krippendorff_alpha(&visible);
    // Standardised over what the viewer reads; only rows wholly visible
    // carry one (a hidden row's own cell is the viewer's, not the panel's).
    let z = aggregate::aggregate(&visible, Method::ZScore);
    for row in m.rows.iter_mut().filter(|r| !is_hidden(&r.app)) {
        if m.method == Method::ZScore {
            row.aggregate = z.get(&row.app).cloned();
        }
    }
    let adjusted = rank_within_tiers(m.round.kind, &m.tie_break, &m.rows, |r| {
        (!is_hidden(&r.app))
            .then(|| z.get(&r.app).map(|a| a.value))
            .flatten()
    });
    let ranks = rank_within_tiers(m.round.kind, &m.tie_break, &m.rows, |r| {
        r.aggregate.as_ref().map(|a| a.value)
    });
    for (row, (rank, adj)) in m.rows.iter_mut().zip(ranks.into_iter().zip(adjusted)) {
        let blank = tiers.contains(&row.tier);
        row.rank = rank.filter(|_| !blank);
        row.adjusted_rank = adj.filter(|_| !blank);
    }
    // A reader who reviews an application of a tier blind would read in
    // the tier's proposal what the others scored it (its outcome, and the
    // outcomes it moves): the whole tier waits for their submission.
    let blind_tiers: std::collections::BTreeSet<String> = m
        .rows
        .iter()
        .filter(|r| is_hidden(&r.app) && !sight.recused(&r.app))
        .map(|r| r.tier.clone())
        .collect();
    for list in lists.iter_mut() {
        if blind_tiers.contains(&list.tier) {
            list.lines.clear();
            list.withheld = true;
            continue;
        }
        let blank = tiers.contains(&list.tier);
        for line in list.lines.iter_mut() {
            if blank {
                line.rank = None;
            }
            if m.method == Method::ZScore {
                line.score = None;
            }
            if is_hidden(&line.app) {
                line.score = None;
                line.rank = None;
                line.reasons.clear();
                line.tie = false;
                // A grade band is a score range: hidden too (a deadline is not).
                line.grade = None;
                continue;
            }
            if selection::strip_hidden(&mut line.reasons, &is_hidden) {
                // Tied with whom would tell a hidden score.
                line.tie = false;
            }
        }
        if list.withheld {
            continue;
        }
        if m.method == Method::ZScore {
            // Settled on z-scores, the order itself rests on every total:
            // by outcome, then by id, tells nothing more than the outcomes.
            list.lines
                .sort_by(|a, b| (a.outcome as u8, &a.app).cmp(&(b.outcome as u8, &b.app)));
        }
        // Stable: the visible lines keep their order.
        list.lines.sort_by_key(|l| is_hidden(&l.app));
    }
}
