//! Dynamic management (动态管理) of the pilots after each annual assessment:
//! a grade from the call's bands, and the consequences the call sets out
//! (`Management`): a failing grade brings a warning with a deadline to
//! rectify; the failing grade that makes `exit_after_failures`, or a failed
//! mid-term evaluation, brings exit; and each exit frees a place that the
//! tier's best remaining reserve (备选) takes. Every outcome carries its rule.

use super::selection::{self, Line, Placing, Reason, Standing};
use super::{Management, Outcome, Rubric};
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// A pilot under assessment in one tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Pilot {
    pub app: String,
    /// 市州, for the tier's per-prefecture cap when a reserve is promoted.
    pub prefecture: String,
    /// The round's aggregate score of 100; None while no review is in.
    pub score: Option<f64>,
    /// Mean sub-scores in the round's tie-break order.
    pub tie_scores: Vec<f64>,
    /// Years of earlier assessments this pilot failed.
    pub failed_before: Vec<i32>,
    /// Included directly at selection (直接纳入): holds a place under the
    /// per-市州 cap only if `Round::direct_counts_toward_cap`.
    pub direct: bool,
}

/// A reserve of the selection not yet promoted, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Reserve {
    pub app: String,
    pub prefecture: String,
    /// Its selection score (what made it the best reserve).
    pub score: Option<f64>,
}

/// The round being settled.
#[derive(Debug, Clone, Copy)]
pub struct Round<'a> {
    pub rules: &'a Management,
    pub rubric: &'a Rubric,
    pub year: i32,
    pub midterm: bool,
    /// The decision date, from which a warning's deadline runs.
    pub today: NaiveDate,
    /// The tier's most places per 市州 (0: no cap): a promotion keeps to it.
    pub prefecture_cap: u32,
    /// The tier's rule, as at selection: whether a directly-included pilot
    /// holds one of its 市州's capped places.
    pub direct_counts_toward_cap: bool,
    /// Criterion ids of the pilots' `tie_scores`.
    pub tie_break: &'a [String],
}

/// One tier's assessment list: every pilot graded, ranked as a selection
/// ranks (`selection::rank`: ties settled by sub-score and marked), with its
/// outcome and the rule behind it; then the reserves promoted into places
/// that exits freed — the best first, passing over any whose 市州 already
/// holds the tier's cap of pilots. The secretary's overrides (on pilots)
/// apply before promotions are worked out, so overriding an exit keeps the
/// reserve out.
pub fn assess(
    round: Round<'_>,
    pilots: &[Pilot],
    reserves: &[Reserve],
    overrides: &BTreeMap<String, (Outcome, String)>,
) -> Vec<Line> {
    // Ranked as a selection ranks: every scored pilot; the unscored last.
    let scored: Vec<&Pilot> = pilots.iter().filter(|p| p.score.is_some()).collect();
    let standings: Vec<Standing<'_>> = scored
        .iter()
        .map(|p| Standing {
            app: &p.app,
            score: p.score.expect("scored"),
            tie_scores: &p.tie_scores,
        })
        .collect();
    let mut placings: BTreeMap<&str, Placing> = scored
        .iter()
        .map(|p| p.app.as_str())
        .zip(selection::rank(&standings, round.tie_break))
        .collect();
    let mut order: Vec<&Pilot> = pilots.iter().collect();
    order.sort_by_key(|p| {
        (
            placings
                .get(p.app.as_str())
                .map_or(usize::MAX, |pl| pl.rank),
            p.app.clone(),
        )
    });
    let due = round
        .today
        .checked_add_months(Months::new(round.rules.rectify_months))
        .unwrap_or(round.today);
    let mut lines = Vec::new();
    for p in order {
        let placing = placings.remove(p.app.as_str());
        let rank = placing.as_ref().map(|pl| pl.rank);
        let tie = placing.as_ref().is_some_and(Placing::tied);
        let band = p.score.and_then(|s| round.rubric.grade_for(s));
        let mut reasons = Vec::new();
        let mut due_on = None;
        let outcome = match band {
            None => {
                reasons.push(Reason::NoScore);
                Outcome::Continued
            }
            Some(b) if !b.failing => Outcome::Continued,
            Some(b) => {
                let mut years = p.failed_before.clone();
                years.push(round.year);
                years.sort_unstable();
                years.dedup();
                if round.midterm && round.rules.exit_on_failed_midterm {
                    reasons.push(Reason::FailedMidterm {
                        year: round.year,
                        grade: b.name.clone(),
                    });
                    Outcome::Exited
                } else if round.rules.exit_after_failures > 0
                    && years.len() >= round.rules.exit_after_failures as usize
                {
                    reasons.push(Reason::RepeatedFailure { years });
                    Outcome::Exited
                } else {
                    due_on = Some(due);
                    reasons.push(Reason::Warning {
                        grade: b.name.clone(),
                        due,
                    });
                    Outcome::Warned
                }
            }
        };
        let mut line = Line {
            app: p.app.clone(),
            rank,
            score: p.score,
            outcome,
            basis: None,
            reasons,
            tie,
            grade: band.map(|b| b.name.clone()),
            due_on,
        };
        // Ties after the consequence, which is what the line is about.
        line.reasons
            .extend(placing.map(|pl| pl.ties).unwrap_or_default());
        if let Some((o, why)) = overrides.get(&p.app) {
            if *o != line.outcome {
                line.outcome = *o;
                // A warning carries its deadline, whoever decided it.
                line.due_on = (*o == Outcome::Warned).then_some(due);
            }
            line.reasons.push(Reason::Override {
                reason: why.clone(),
            });
        }
        lines.push(line);
    }
    if round.rules.promote_reserves {
        // Places each 市州 holds among the pilots going on (those included
        // directly only if the tier counts them, as at selection).
        let mut held: BTreeMap<&str, u32> = BTreeMap::new();
        for p in pilots
            .iter()
            .filter(|p| !p.direct || round.direct_counts_toward_cap)
        {
            let going_on = lines
                .iter()
                .any(|l| l.app == p.app && l.outcome != Outcome::Exited);
            if going_on {
                *held.entry(p.prefecture.as_str()).or_default() += 1;
            }
        }
        let cap = round.prefecture_cap;
        let mut available: Vec<&Reserve> = reserves.iter().collect();
        let exits: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].outcome == Outcome::Exited)
            .collect();
        let mut promoted = Vec::new();
        for i in exits {
            let fits = |r: &Reserve| {
                cap == 0 || held.get(r.prefecture.as_str()).copied().unwrap_or(0) < cap
            };
            for r in available.iter().take_while(|r| !fits(r)) {
                lines[i].reasons.push(Reason::ReserveSkipped {
                    app: r.app.clone(),
                    prefecture: r.prefecture.clone(),
                    cap,
                });
            }
            match available.iter().position(|r| fits(r)) {
                Some(at) => {
                    let r = available.remove(at);
                    *held.entry(r.prefecture.as_str()).or_default() += 1;
                    lines[i]
                        .reasons
                        .push(Reason::ReplacedBy { by: r.app.clone() });
                    promoted.push(Line {
                        app: r.app.clone(),
                        rank: None,
                        // Not scored in this round: its selection score is
                        // in the selection's decision, not here.
                        score: None,
                        outcome: Outcome::Promoted,
                        basis: None,
                        reasons: vec![Reason::Replaces {
                            exited: lines[i].app.clone(),
                        }],
                        tie: false,
                        grade: None,
                        due_on: None,
                    });
                }
                None => lines[i].reasons.push(Reason::NoReserve),
            }
        }
        lines.extend(promoted);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::GradeBand;

    fn rubric() -> Rubric {
        let band = |name: &str, min: f64, failing: bool| GradeBand {
            name: name.into(),
            name_en: String::new(),
            min,
            failing,
        };
        Rubric {
            id: "assessment".into(),
            name: "年度考核".into(),
            name_en: String::new(),
            criteria: Vec::new(),
            tie_break: Vec::new(),
            grades: vec![
                band("优秀", 90.0, false),
                band("良好", 75.0, false),
                band("合格", 60.0, false),
                band("不合格", 0.0, true),
            ],
        }
    }

    fn pilot(app: &str, score: f64, failed_before: &[i32]) -> Pilot {
        Pilot {
            app: app.into(),
            prefecture: format!("p-{app}"),
            score: Some(score),
            tie_scores: Vec::new(),
            failed_before: failed_before.to_vec(),
            direct: false,
        }
    }

    fn reserve(app: &str) -> Reserve {
        Reserve {
            app: app.into(),
            prefecture: format!("p-{app}"),
            score: Some(70.0),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn run(midterm: bool, pilots: &[Pilot], reserves: &[Reserve]) -> Vec<Line> {
        let rules = Management::default();
        let rubric = rubric();
        assess(
            Round {
                rules: &rules,
                rubric: &rubric,
                year: 2019,
                midterm,
                today: day(2020, 1, 15),
                prefecture_cap: 1,
                direct_counts_toward_cap: true,
                tie_break: &[],
            },
            pilots,
            reserves,
            &BTreeMap::new(),
        )
    }

    fn find<'a>(lines: &'a [Line], app: &str) -> &'a Line {
        lines.iter().find(|l| l.app == app).unwrap()
    }

    #[test]
    fn grades_follow_the_bands_and_passing_pilots_continue() {
        let lines = run(
            false,
            &[
                pilot("a", 92.0, &[]),
                pilot("b", 75.0, &[]),
                pilot("c", 60.0, &[]),
            ],
            &[],
        );
        let grades: Vec<_> = lines.iter().map(|l| l.grade.clone().unwrap()).collect();
        assert_eq!(grades, ["优秀", "良好", "合格"]);
        assert!(lines.iter().all(|l| l.outcome == Outcome::Continued));
        assert_eq!(
            lines.iter().map(|l| l.rank).collect::<Vec<_>>(),
            [Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn a_first_failure_is_a_warning_with_a_deadline() {
        let lines = run(false, &[pilot("a", 59.9, &[])], &[reserve("r")]);
        let a = find(&lines, "a");
        assert_eq!(a.outcome, Outcome::Warned);
        assert_eq!(a.grade.as_deref(), Some("不合格"));
        // Six months from the decision date by default.
        assert_eq!(a.due_on, Some(day(2020, 7, 15)));
        assert_eq!(lines.len(), 1, "no reserve promoted for a warning");
    }

    #[test]
    fn a_second_failing_year_means_exit_and_the_best_reserve_takes_the_place() {
        let lines = run(
            false,
            &[pilot("a", 50.0, &[2017]), pilot("b", 80.0, &[2018])],
            &[reserve("r1"), reserve("r2")],
        );
        let a = find(&lines, "a");
        assert_eq!(a.outcome, Outcome::Exited);
        assert!(a.reasons.contains(&Reason::RepeatedFailure {
            years: vec![2017, 2019]
        }));
        assert!(a.reasons.contains(&Reason::ReplacedBy { by: "r1".into() }));
        let r1 = find(&lines, "r1");
        assert_eq!(r1.outcome, Outcome::Promoted);
        assert_eq!(r1.reasons, [Reason::Replaces { exited: "a".into() }]);
        assert!(!lines.iter().any(|l| l.app == "r2"));
        // b failed once before but passes now: it simply continues.
        assert_eq!(find(&lines, "b").outcome, Outcome::Continued);
    }

    #[test]
    fn a_promotion_keeps_to_the_prefecture_cap() {
        // b's 市州 already holds the cap; the best reserve r1 is from there.
        let mut r1 = reserve("r1");
        r1.prefecture = "p-b".into();
        let lines = run(
            false,
            &[pilot("a", 50.0, &[2017]), pilot("b", 80.0, &[])],
            &[r1, reserve("r2")],
        );
        let a = find(&lines, "a");
        assert!(a.reasons.contains(&Reason::ReserveSkipped {
            app: "r1".into(),
            prefecture: "p-b".into(),
            cap: 1
        }));
        assert!(a.reasons.contains(&Reason::ReplacedBy { by: "r2".into() }));
        assert_eq!(find(&lines, "r2").outcome, Outcome::Promoted);
        assert_eq!(find(&lines, "r2").score, None, "not scored this round");
        assert!(!lines.iter().any(|l| l.app == "r1"));
        // The exiting pilot's own place is free for a reserve from its 市州.
        let mut r3 = reserve("r3");
        r3.prefecture = "p-a".into();
        let lines = run(false, &[pilot("a", 50.0, &[2017])], &[r3]);
        assert_eq!(find(&lines, "r3").outcome, Outcome::Promoted);
    }

    #[test]
    fn a_direct_pilot_holds_its_prefectures_cap_at_promotion_when_the_tier_says_so() {
        // F1 at promotion: the best reserve is from the 市州 of a pilot
        // included directly.
        let mut d = pilot("d", 80.0, &[]);
        d.direct = true;
        let mut r1 = reserve("r1");
        r1.prefecture = d.prefecture.clone();
        let pilots = [pilot("a", 50.0, &[2017]), d];
        let reserves = [r1, reserve("r2")];
        let rules = Management::default();
        let rubric = rubric();
        let run = |counts: bool| {
            assess(
                Round {
                    rules: &rules,
                    rubric: &rubric,
                    year: 2019,
                    midterm: false,
                    today: day(2020, 1, 15),
                    prefecture_cap: 1,
                    direct_counts_toward_cap: counts,
                    tie_break: &[],
                },
                &pilots,
                &reserves,
                &BTreeMap::new(),
            )
        };
        let counted = run(true);
        assert!(
            find(&counted, "a")
                .reasons
                .contains(&Reason::ReserveSkipped {
                    app: "r1".into(),
                    prefecture: "p-d".into(),
                    cap: 1
                })
        );
        assert_eq!(find(&counted, "r2").outcome, Outcome::Promoted);
        let not_counted = run(false);
        assert_eq!(find(&not_counted, "r1").outcome, Outcome::Promoted);
        assert!(!not_counted.iter().any(|l| l.app == "r2"));
    }

    #[test]
    fn assessment_ties_rank_and_are_marked_as_in_a_selection() {
        let with_subs = |app: &str, subs: &[f64]| {
            let mut p = pilot(app, 85.0, &[]);
            p.tie_scores = subs.to_vec();
            p
        };
        let rules = Management::default();
        let rubric = rubric();
        let criteria = ["invest_done".to_string()];
        let lines = assess(
            Round {
                rules: &rules,
                rubric: &rubric,
                year: 2019,
                midterm: false,
                today: day(2020, 1, 15),
                prefecture_cap: 1,
                direct_counts_toward_cap: true,
                tie_break: &criteria,
            },
            &[
                with_subs("a", &[25.0]),
                with_subs("b", &[27.5]),
                with_subs("c", &[25.0]),
                pilot("z", 90.0, &[]),
            ],
            &[],
            &BTreeMap::new(),
        );
        let ranks: Vec<_> = lines.iter().map(|l| (l.app.as_str(), l.rank)).collect();
        assert_eq!(
            ranks,
            [
                ("z", Some(1)),
                ("b", Some(2)),
                ("a", Some(3)),
                ("c", Some(3))
            ]
        );
        let b = find(&lines, "b");
        assert!(!b.tie);
        assert!(b.reasons.contains(&Reason::TieBroken {
            with: "a".into(),
            criterion: "invest_done".into(),
            own: 27.5,
            other: 25.0
        }));
        let a = find(&lines, "a");
        assert!(a.tie);
        assert!(a.reasons.contains(&Reason::Tie {
            with: vec!["c".into()]
        }));
    }

    #[test]
    fn failing_a_midterm_means_exit_at_once_and_without_reserves_it_says_so() {
        let lines = run(true, &[pilot("a", 40.0, &[])], &[]);
        let a = find(&lines, "a");
        assert_eq!(a.outcome, Outcome::Exited);
        assert!(matches!(
            a.reasons[0],
            Reason::FailedMidterm { year: 2019, .. }
        ));
        assert!(a.reasons.contains(&Reason::NoReserve));
    }

    #[test]
    fn overriding_an_exit_keeps_the_reserve_out() {
        let rules = Management::default();
        let rubric = rubric();
        let overrides = BTreeMap::from([(
            "a".to_string(),
            (Outcome::Warned, "整改已见成效".to_string()),
        )]);
        let lines = assess(
            Round {
                rules: &rules,
                rubric: &rubric,
                year: 2019,
                midterm: false,
                today: day(2020, 1, 15),
                prefecture_cap: 1,
                direct_counts_toward_cap: true,
                tie_break: &[],
            },
            &[pilot("a", 50.0, &[2017])],
            &[reserve("r1")],
            &overrides,
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].outcome, Outcome::Warned);
        assert_eq!(lines[0].due_on, Some(day(2020, 7, 15)));
        assert!(matches!(
            lines[0].reasons.last(),
            Some(Reason::Override { .. })
        ));
    }

    #[test]
    fn rules_come_from_the_call() {
        // A call that allows three failures and no promotions.
        let rules = Management {
            rectify_months: 3,
            exit_after_failures: 3,
            exit_on_failed_midterm: false,
            promote_reserves: false,
            midterm_years: Vec::new(),
        };
        let rubric = rubric();
        let lines = assess(
            Round {
                rules: &rules,
                rubric: &rubric,
                year: 2019,
                midterm: true,
                today: day(2020, 1, 15),
                prefecture_cap: 1,
                direct_counts_toward_cap: true,
                tie_break: &[],
            },
            &[pilot("a", 50.0, &[2017]), pilot("b", 50.0, &[2017, 2018])],
            &[reserve("r1")],
            &BTreeMap::new(),
        );
        assert_eq!(find(&lines, "a").outcome, Outcome::Warned);
        assert_eq!(find(&lines, "a").due_on, Some(day(2020, 4, 15)));
        assert_eq!(find(&lines, "b").outcome, Outcome::Exited);
        assert!(!lines.iter().any(|l| l.app == "r1"));
    }
}
