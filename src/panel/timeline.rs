//! The timeline of one applicant: every round of its call in time order
//! (the selection first, then the assessments by year) with the viewer's
//! own review, the panel's score, and the decision (outcome, grade,
//! deadline to rectify, rationale); the investment per year against the
//! plan; and the decisions of earlier programmes recorded under the same
//! name.
//!
//! What a viewer reads follows the panel's rules: a member recused from the
//! application reads nothing of it; no one reads another reviewer's score
//! here; the live aggregate of a round not yet finalised is the
//! secretary's (and the operator's). Decisions, once finalised, and their
//! rationale are for every member who may open the application.

use crate::base::i18n::{Lang, name_in};
use crate::domain::aggregate::Method;
use crate::domain::review::total;
use crate::domain::*;
use crate::store::{Result, Store, StoreError};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Who the timeline is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applicant {
    pub id: String,
    pub call: String,
    pub name: String,
    pub name_en: String,
    /// Tier id, and its names in the call.
    pub tier: String,
    pub tier_name: String,
    pub tier_name_en: String,
    /// Prefecture id (市州), and its names in the call.
    pub prefecture: String,
    pub prefecture_name: String,
    pub prefecture_name_en: String,
}

impl Applicant {
    pub fn name_in(&self, lang: Lang) -> &str {
        name_in(lang, &self.name, &self.name_en)
    }
    pub fn tier_in(&self, lang: Lang) -> &str {
        name_in(lang, &self.tier_name, &self.tier_name_en)
    }
    pub fn prefecture_in(&self, lang: Lang) -> &str {
        name_in(lang, &self.prefecture_name, &self.prefecture_name_en)
    }
}

/// The viewer's own review in a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MyReview {
    pub status: ReviewStatus,
    /// Total rescaled to 100 (blank criteria count as zero); None for a
    /// draft with nothing entered yet.
    pub total: Option<f64>,
    /// Whether every criterion has a value.
    pub complete: bool,
}

/// One round of the call, as it concerns the applicant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub round: String,
    pub name: String,
    pub name_en: String,
    pub kind: RoundKind,
    /// An assessment's year (None for the selection).
    pub year: Option<i32>,
    /// The year the round stands for: an assessment's year; the selection
    /// the year before the pilots start.
    pub when: i32,
    pub midterm: bool,
    pub state: RoundState,
    /// Whether the applicant takes part: every applicant is in the
    /// selection; an assessment holds the pilots assigned in it and the
    /// reserves it promotes.
    pub involved: bool,
    /// The viewer's own review, if they have one.
    pub mine: Option<MyReview>,
    /// The panel's score of 100: the decision's once the round is
    /// finalised; before that the live aggregate (trimmed mean), for a
    /// secretary or the operator only.
    pub score: Option<f64>,
    /// `score` is the live aggregate of a round not yet finalised.
    pub live: bool,
    pub outcome: Option<Outcome>,
    /// The grade as decided, and its English name from the rubric.
    pub grade: Option<String>,
    pub grade_en: Option<String>,
    /// A failing grade under the round's rubric.
    pub failing: bool,
    /// For a warning: the date by which to rectify.
    pub due_on: Option<NaiveDate>,
    pub rationale: Option<String>,
    pub decided_on: Option<NaiveDate>,
}

impl Entry {
    pub fn name_in(&self, lang: Lang) -> &str {
        name_in(lang, &self.name, &self.name_en)
    }
    pub fn grade_in(&self, lang: Lang) -> Option<&str> {
        let zh = self.grade.as_deref()?;
        Some(name_in(lang, zh, self.grade_en.as_deref().unwrap_or("")))
    }
    pub fn finalised(&self) -> bool {
        self.state == RoundState::Finalised
    }
}

/// Investment in one year: planned (over all projects), actual, and the
/// share of the plan completed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearInvestment {
    pub year: i32,
    /// 亿元; None when the plan has no amount for the year.
    pub plan: Option<f64>,
    /// 亿元; None before actuals are imported.
    pub actual: Option<f64>,
    /// actual / plan (1.0 = all of it); None without both, or a zero plan.
    pub completion: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub applicant: Applicant,
    /// Who it was built for (None: the operator of the file).
    pub viewer: Option<String>,
    /// Whether live aggregates of unfinalised rounds are shown.
    pub live_scores: bool,
    pub entries: Vec<Entry>,
    pub investment: Vec<YearInvestment>,
    /// Decisions of earlier programmes under the applicant's name, oldest first.
    pub prior: Vec<PriorDecision>,
}

/// A round's place in time (as in `pilots`): an assessment by its year, a
/// selection the year before the pilots start.
pub fn when(pilot_start: i32, round: &Round) -> i32 {
    match (round.kind, round.year) {
        (RoundKind::Assessment, Some(y)) => y,
        _ => pilot_start - 1,
    }
}

/// Rounds in time order: by year, the selection before an assessment of
/// the same year, then by deadline and id.
pub fn order(rounds: &mut [Round], pilot_start: i32) {
    rounds.sort_by_key(|r| {
        (
            when(pilot_start, r),
            r.kind != RoundKind::Selection,
            r.deadline,
            r.id.clone(),
        )
    });
}

/// Plan and actual side by side for every year either mentions.
pub fn investment(plan: &BTreeMap<i32, f64>, actual: &BTreeMap<i32, f64>) -> Vec<YearInvestment> {
    let mut years: Vec<i32> = plan.keys().chain(actual.keys()).copied().collect();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .map(|year| {
            let p = plan.get(&year).copied();
            let a = actual.get(&year).copied();
            YearInvestment {
                year,
                plan: p,
                actual: a,
                completion: match (p, a) {
                    (Some(p), Some(a)) if p > 0.0 => Some(a / p),
                    _ => None,
                },
            }
        })
        .collect()
}

/// Whether a prior decision was recorded under this applicant's name.
pub fn same_applicant(prior: &PriorDecision, name: &str) -> bool {
    let name = name.trim();
    !name.is_empty() && prior.applicant.trim() == name
}

/// Decisions of earlier programmes under `name`, oldest first.
pub fn prior_of(mut all: Vec<PriorDecision>, name: &str) -> Vec<PriorDecision> {
    all.retain(|p| same_applicant(p, name));
    all.sort_by(|a, b| (a.year, a.decided_on, &a.id).cmp(&(b.year, b.decided_on, &b.id)));
    all
}

/// The viewer's review as the timeline shows it: status and total of 100.
pub fn my_review(rubric: &Rubric, tier: &str, review: &Review) -> MyReview {
    let values = review.values();
    let t = total(rubric, tier, &values);
    MyReview {
        status: review.status,
        total: (!values.is_empty()).then_some(t.of_100),
        complete: t.complete,
    }
}

/// The timeline of `app_id` as `viewer` may read it (None: the operator).
/// Refused for a member recused from the application. Messages in Chinese,
/// the panel's language; see [`build_in`].
pub fn build(store: &Store, app_id: &str, viewer: Option<&Member>) -> Result<Timeline> {
    build_in(store, app_id, viewer, Lang::Zh)
}

/// [`build`], with refusals in the interface language.
pub fn build_in(
    store: &Store,
    app_id: &str,
    viewer: Option<&Member>,
    lang: Lang,
) -> Result<Timeline> {
    let app = store.application(app_id)?.ok_or_else(|| {
        StoreError::Refused(format!(
            "{} {app_id:?}",
            lang.pick("没有此申报:", "no application")
        ))
    })?;
    if let Some(m) = viewer
        && store.recusal(m, &app)?.is_some()
    {
        return Err(StoreError::Refused(
            lang.pick("您已回避此申报。", "You are recused from this application.")
                .into(),
        ));
    }
    let call = store
        .call(&app.call)?
        .ok_or_else(|| StoreError::Corrupt(format!("application {app_id} has no call")))?;
    let live_scores = viewer.is_none_or(|m| m.has_role(Role::Secretary));

    let tier = call.tier(&app.tier);
    let prefecture = call.prefectures.iter().find(|p| p.id == app.prefecture);
    let applicant = Applicant {
        id: app.id.clone(),
        call: call.info.id.clone(),
        name: app.name.clone(),
        name_en: app.name_en.clone(),
        tier: app.tier.clone(),
        tier_name: tier
            .map(|t| t.name.clone())
            .unwrap_or_else(|| app.tier.clone()),
        tier_name_en: tier.map(|t| t.name_en.clone()).unwrap_or_default(),
        prefecture: app.prefecture.clone(),
        prefecture_name: prefecture
            .map(|p| p.name.clone())
            .unwrap_or_else(|| app.prefecture.clone()),
        prefecture_name_en: prefecture.map(|p| p.name_en.clone()).unwrap_or_default(),
    };

    let mut rounds: Vec<Round> = store
        .rounds()?
        .into_iter()
        .filter(|r| r.call == call.info.id)
        .collect();
    order(&mut rounds, call.info.pilot_start);

    let mut entries = Vec::new();
    for round in rounds {
        let rubric = call.rubric(&round.rubric);
        let finalised = round.state == RoundState::Finalised;
        // Read through the viewer's sight: ranks and reasons that would
        // place or name an application hidden from them are left out.
        let sight = crate::panel::sight::Sight::of(store, viewer, &round.id)?;
        let decision = if finalised {
            sight
                .decisions(store, &round, lang)?
                .into_iter()
                .map(|d| d.decision)
                .find(|d| d.application == app.id)
        } else {
            None
        };
        let assigned = store
            .assignments(&round.id)?
            .iter()
            .any(|a| a.application == app.id);
        let involved = round.kind == RoundKind::Selection || assigned || decision.is_some();
        let mine = match (viewer, rubric) {
            (Some(m), Some(rubric)) if involved => store
                .reviews(&round.id)?
                .iter()
                .find(|r| r.member == m.id && r.application == app.id)
                .map(|r| my_review(rubric, &app.tier, r)),
            _ => None,
        };
        let (score, live) = match &decision {
            Some(d) => (d.score, false),
            None if involved && !finalised && live_scores && !sight.hidden(&app.id) => {
                let (_, m) = crate::panel::tally::matrix(store, &round.id, Method::TrimmedMean)?;
                let value = m
                    .rows
                    .iter()
                    .find(|r| r.app == app.id)
                    .and_then(|r| r.aggregate.as_ref())
                    .map(|a| a.value);
                (value, value.is_some())
            }
            None => (None, false),
        };
        let band = decision
            .as_ref()
            .and_then(|d| d.grade.as_deref())
            .and_then(|g| rubric.and_then(|r| r.grades.iter().find(|b| b.name == g)));
        entries.push(Entry {
            when: when(call.info.pilot_start, &round),
            round: round.id,
            name: round.name,
            name_en: round.name_en,
            kind: round.kind,
            year: round.year,
            midterm: round.midterm,
            state: round.state,
            involved,
            mine,
            score,
            live,
            outcome: decision.as_ref().and_then(|d| d.outcome),
            grade: decision.as_ref().and_then(|d| d.grade.clone()),
            grade_en: band.map(|b| b.name_en.clone()).filter(|n| !n.is_empty()),
            failing: band.is_some_and(|b| b.failing),
            due_on: decision.as_ref().and_then(|d| d.due_on),
            rationale: decision.as_ref().map(|d| d.rationale.clone()),
            decided_on: decision.as_ref().map(|d| d.decided_on),
        });
    }

    Ok(Timeline {
        investment: investment(&app.plan_by_year(), &store.actuals(&app.id)?),
        prior: prior_of(store.prior_decisions()?, &app.name),
        applicant,
        viewer: viewer.map(|m| m.id.clone()),
        live_scores,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(id: &str, kind: RoundKind, year: Option<i32>, deadline: (i32, u32, u32)) -> Round {
        Round {
            id: id.into(),
            call: "c".into(),
            kind,
            name: id.into(),
            name_en: String::new(),
            rubric: "r".into(),
            deadline: NaiveDate::from_ymd_opt(deadline.0, deadline.1, deadline.2).unwrap(),
            state: RoundState::Finalised,
            year,
            midterm: false,
        }
    }

    #[test]
    fn rounds_run_selection_first_then_assessments_by_year() {
        let mut rounds = vec![
            round("asm-2019", RoundKind::Assessment, Some(2019), (2020, 3, 31)),
            round("asm-2017", RoundKind::Assessment, Some(2017), (2018, 3, 31)),
            // A selection with a late deadline still comes first.
            round("sel", RoundKind::Selection, None, (2021, 1, 1)),
            round("asm-2018", RoundKind::Assessment, Some(2018), (2019, 3, 31)),
        ];
        order(&mut rounds, 2017);
        let ids: Vec<&str> = rounds.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["sel", "asm-2017", "asm-2018", "asm-2019"]);
        assert_eq!(when(2017, &rounds[0]), 2016);
        assert_eq!(when(2017, &rounds[3]), 2019);
    }

    #[test]
    fn an_assessment_without_a_year_counts_as_the_selection_year() {
        let r = round("odd", RoundKind::Assessment, None, (2018, 1, 1));
        assert_eq!(when(2017, &r), 2016);
    }

    #[test]
    fn investment_pairs_plan_and_actual_by_year() {
        let plan = BTreeMap::from([(2017, 10.0), (2018, 20.0), (2019, 0.0)]);
        let actual = BTreeMap::from([(2017, 8.0), (2018, 25.0), (2019, 1.0), (2020, 3.0)]);
        let rows = investment(&plan, &actual);
        let years: Vec<i32> = rows.iter().map(|r| r.year).collect();
        assert_eq!(years, [2017, 2018, 2019, 2020]);
        assert_eq!(rows[0].completion, Some(0.8));
        assert_eq!(rows[1].completion, Some(1.25));
        // A zero plan or a year without a plan has no rate.
        assert_eq!(rows[2].completion, None);
        assert_eq!(rows[3].plan, None);
        assert_eq!(rows[3].completion, None);
        // A planned year without actuals yet.
        let rows = investment(&plan, &BTreeMap::new());
        assert!(
            rows.iter()
                .all(|r| r.actual.is_none() && r.completion.is_none())
        );
        assert_eq!(rows.len(), 3);
    }

    fn prior(id: &str, applicant: &str, year: i32) -> PriorDecision {
        PriorDecision {
            id: id.into(),
            programme: "p".into(),
            round: "r".into(),
            kind: RoundKind::Selection,
            year,
            decided_on: NaiveDate::from_ymd_opt(year, 6, 1).unwrap(),
            applicant: applicant.into(),
            tier: "county".into(),
            prefecture: "yueyang".into(),
            flags: Vec::new(),
            outcome: Some(Outcome::Selected),
            grade: None,
            score: None,
            rank: None,
            rationale: String::new(),
            decided_by: String::new(),
        }
    }

    #[test]
    fn prior_decisions_match_the_exact_name_oldest_first() {
        let all = vec![
            prior("b", "汨罗市", 2014),
            prior("x", "汨罗市白水镇", 2013),
            prior("a", " 汨罗市 ", 2013),
            prior("y", "湘乡市", 2013),
        ];
        let mine = prior_of(all, "汨罗市");
        let ids: Vec<&str> = mine.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(prior_of(vec![prior("z", "", 2013)], "").is_empty());
    }

    #[test]
    fn my_review_totals_of_100_and_a_blank_draft_has_none() {
        let rubric = Rubric {
            id: "r".into(),
            name: "r".into(),
            name_en: String::new(),
            criteria: ["a", "b"]
                .iter()
                .map(|id| Criterion {
                    id: (*id).into(),
                    tiers: Vec::new(),
                    name: (*id).into(),
                    name_en: String::new(),
                    max: 10.0,
                    weight: 1.0,
                    section: String::new(),
                    low: String::new(),
                    mid: String::new(),
                    full: String::new(),
                })
                .collect(),
            grades: Vec::new(),
            tie_break: Vec::new(),
        };
        let review = |values: &[(&str, f64)], status| Review {
            round: "r".into(),
            member: "m".into(),
            application: "x".into(),
            status,
            overall_comment: String::new(),
            entered_by: None,
            scores: values
                .iter()
                .map(|(c, v)| Score {
                    criterion: (*c).into(),
                    value: Some(*v),
                    comment: String::new(),
                })
                .collect(),
        };
        let full = my_review(
            &rubric,
            "county",
            &review(&[("a", 8.0), ("b", 9.0)], ReviewStatus::Submitted),
        );
        assert_eq!(full.total, Some(85.0));
        assert!(full.complete);
        let partial = my_review(
            &rubric,
            "county",
            &review(&[("a", 5.0)], ReviewStatus::Draft),
        );
        assert_eq!(partial.total, Some(25.0));
        assert!(!partial.complete);
        let blank = my_review(&rubric, "county", &review(&[], ReviewStatus::Draft));
        assert_eq!(blank.total, None);
    }
}
