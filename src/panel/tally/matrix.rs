//! The panel matrix: applications × reviewers, with the aggregates and
//! ranks under each method, calibration and reliability.

use crate::domain::aggregate::{self, Aggregate, Method, ReviewerStats, Totals};
use crate::domain::application::plan_by_year;
use crate::domain::review::total;
use crate::domain::selection::{self};
use crate::domain::*;
use crate::store::AppFacts;
use crate::store::{Result, Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
pub(super) fn rank_within_tiers(
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
    // What each line shows, without the applications' texts: their
    // eligibility is stored beside them.
    let all_apps = store.app_facts(&call.info.id)?;
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
    let assigned: HashSet<(&str, &str)> = assignments
        .iter()
        .map(|a| (a.application.as_str(), a.member.as_str()))
        .collect();
    let assessed_here: BTreeSet<&str> =
        assignments.iter().map(|a| a.application.as_str()).collect();
    // A selection round ranks every application; an assessment round only
    // the pilots it assesses (those assigned in it).
    let apps: Vec<&AppFacts> = all_apps
        .iter()
        .filter(|a| round.kind == RoundKind::Selection || assessed_here.contains(a.id.as_str()))
        .collect();
    let members: BTreeMap<String, Member> = store
        .members()?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect();
    let reviewer_ids: BTreeSet<&str> = assignments.iter().map(|a| a.member.as_str()).collect();
    let reviewers: Vec<Member> = reviewer_ids
        .iter()
        .filter_map(|id| members.get(*id).cloned())
        .collect();
    // Looked up by (application, member) without building a key per cell.
    let all_reviews = store.reviews(&round.id)?;
    let reviews: HashMap<(&str, &str), &Review> = all_reviews
        .iter()
        .map(|r| ((r.application.as_str(), r.member.as_str()), r))
        .collect();
    // Declared conflicts read once, not a query per cell.
    let all_conflicts = store.conflicts()?;
    let declared: HashMap<(&str, &str), &Conflict> = all_conflicts
        .iter()
        .map(|c| ((c.application.as_str(), c.member.as_str()), c))
        .collect();
    let mut revisits: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (member, app) in store.open_revisits(&round.id)?.into_keys() {
        revisits.entry(app).or_default().push(member);
    }
    // Investment completion is an assessment round's: the plans and the
    // actuals of its pilots, each read in one query.
    let (mut plans, mut actuals) = match (round.kind, round.year) {
        (RoundKind::Assessment, Some(_)) => (
            store.plans_of_call(&call.info.id)?,
            store.actuals_of_call(&call.info.id)?,
        ),
        _ => Default::default(),
    };

    let mut totals: Totals = BTreeMap::new();
    let mut rows = Vec::new();
    for app in apps {
        let mut cells = Vec::new();
        let mut subs: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for m in &reviewers {
            let key = (app.id.as_str(), m.id.as_str());
            let cell = if !assigned.contains(&key) {
                Cell::NotAssigned
            } else if crate::domain::panel::recusal(m, &app.prefecture, declared.get(&key).copied())
                .is_some()
            {
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
        // (None in a selection round: it reads no plans or actuals.)
        let completion = round.year.and_then(|year| {
            let plan = plans.remove(&app.id).unwrap_or_default();
            let planned = plan_by_year(&plan).get(&year).copied().unwrap_or(0.0);
            let actual = actuals.remove(&app.id)?.get(&year).copied();
            actual.filter(|_| planned > 0.0).map(|a| a / planned)
        });
        rows.push(Row {
            app: app.id.clone(),
            name: app.name.clone(),
            tier: app.tier.clone(),
            prefecture: app.prefecture.clone(),
            region: app.region.clone(),
            flags: app.flags.clone(),
            verdict: app.verdict,
            failed_checks: app.failed_checks.clone(),
            cells,
            aggregate: None,
            rank: None,
            adjusted_rank: None,
            disputed: false,
            sub_scores: subs
                .into_iter()
                .map(|(k, v)| (k, aggregate::mean(&v).unwrap_or(0.0)))
                .collect(),
            completion,
            revisits: revisits.remove(&app.id).unwrap_or_default(),
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
