//! Settling a tier's list under the call's balance rules: eligible
//! applicants at or above the minimum score, in rank order, with at most
//! `prefecture_cap` places per 市州 and a floor of places for each region
//! that has a candidate. Every departure from pure rank order (统筹调整) is
//! recorded with the rule that forced it; ties are broken by the call's
//! sub-score order and marked. Directly-included applicants (直接纳入) take
//! their place outside the quota.

use super::{Outcome, Verdict};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub app: String,
    pub prefecture: String,
    pub region: String,
    pub verdict: Verdict,
    /// Aggregate score of 100; None while no review is in.
    pub score: Option<f64>,
    /// Sub-scores in the call's tie-break order.
    pub tie_scores: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rules {
    pub quota: usize,
    /// 0: no cap.
    pub prefecture_cap: usize,
    pub region_floor: usize,
    pub min_score: f64,
    pub reserves: usize,
}

impl Rules {
    /// "quota 6 · cap 1 · floor 1 · min 65", the rules a tier's list is
    /// settled under, for headings.
    pub fn summary(&self, lang: Lang) -> String {
        format!(
            "{} {} · {} {} · {} {} · {} {}",
            lang.pick("名额", "quota"),
            self.quota,
            lang.pick("每市州上限", "cap per prefecture"),
            self.prefecture_cap,
            lang.pick("区域保底", "region floor"),
            self.region_floor,
            lang.pick("最低分", "minimum"),
            self.min_score
        )
    }
}

impl Rules {
    /// "pilots 8 · reserves left 2": an assessment list's heading, where
    /// the quota is the pilots assessed and reserves those still to promote.
    pub fn pilots_summary(&self, lang: Lang) -> String {
        format!(
            "{} {} · {} {}",
            lang.pick("试点", "pilots"),
            self.quota,
            lang.pick("可递补备选", "reserves left"),
            self.reserves
        )
    }
}

/// How a selected line got its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 按分: within the quota by rank alone.
    ByScore,
    /// 统筹调整: in because of a balance rule.
    Adjusted,
    /// 直接纳入.
    Direct,
}

impl Basis {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Basis::ByScore => lang.pick("按分", "by score"),
            Basis::Adjusted => lang.pick("统筹调整", "balance adjustment"),
            Basis::Direct => lang.pick("直接纳入", "included directly"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Reason {
    Ineligible,
    NoScore,
    BelowMinimum {
        min: f64,
    },
    /// Passed over because its 市州 already has `cap` places.
    PrefectureCap {
        prefecture: String,
        cap: usize,
    },
    /// In ahead of rank because its region had no place.
    RegionFloor {
        region: String,
    },
    /// Out because a floor brought in a lower-ranked candidate.
    DisplacedByFloor {
        region: String,
        by: String,
    },
    /// In because a candidate above it was passed over for a cap.
    FilledAfterCap,
    /// Equal score and sub-scores with these applicants.
    Tie {
        with: Vec<String>,
    },
    OutOfQuota,
    /// The secretary changed the proposal's outcome, with this reason.
    Override {
        reason: String,
    },
    /// Assessment: a failing grade, to be rectified by `due`.
    Warning {
        grade: String,
        due: chrono::NaiveDate,
    },
    /// Assessment: failed a mid-term evaluation.
    FailedMidterm {
        year: i32,
        grade: String,
    },
    /// Assessment: failed in these years (as many as the call allows).
    RepeatedFailure {
        years: Vec<i32>,
    },
    /// Assessment: this exit's place goes to a reserve.
    ReplacedBy {
        by: String,
    },
    /// Assessment: promoted into the place this pilot's exit freed.
    Replaces {
        exited: String,
    },
    /// Assessment: an exit with no reserve left to promote.
    NoReserve,
    /// Assessment: a better reserve passed over, its 市州 at the tier's cap.
    ReserveSkipped {
        app: String,
        prefecture: String,
        cap: u32,
    },
}

/// Drops from `reasons` whatever names an application `hidden` says the
/// reader may not know about (a tie keeps the names they may read; one left
/// with none goes). Returns whether a tie was dropped whole, so that the
/// line's tie mark can go with it.
pub fn strip_hidden(reasons: &mut Vec<Reason>, hidden: &dyn Fn(&str) -> bool) -> bool {
    let is_tie = |r: &Reason| matches!(r, Reason::Tie { .. });
    let had_tie = reasons.iter().any(is_tie);
    for reason in reasons.iter_mut() {
        if let Reason::Tie { with } = reason {
            with.retain(|w| !hidden(w));
        }
    }
    reasons.retain(|r| {
        !r.names_applications().iter().any(|a| hidden(a))
            && !matches!(r, Reason::Tie { with } if with.is_empty())
    });
    had_tie && !reasons.iter().any(is_tie)
}

impl Reason {
    /// The applications this reason names (besides the line's own), so that
    /// a reader recused from one of them is not shown it. Every variant is
    /// listed: a new one must say what it names.
    pub fn names_applications(&self) -> Vec<&str> {
        match self {
            Reason::DisplacedByFloor { by, .. } | Reason::ReplacedBy { by } => vec![by.as_str()],
            Reason::Tie { with } => with.iter().map(String::as_str).collect(),
            Reason::Replaces { exited } => vec![exited.as_str()],
            Reason::ReserveSkipped { app, .. } => vec![app.as_str()],
            Reason::Ineligible
            | Reason::NoScore
            | Reason::BelowMinimum { .. }
            | Reason::PrefectureCap { .. }
            | Reason::RegionFloor { .. }
            | Reason::FilledAfterCap
            | Reason::OutOfQuota
            | Reason::Override { .. }
            | Reason::Warning { .. }
            | Reason::FailedMidterm { .. }
            | Reason::RepeatedFailure { .. }
            | Reason::NoReserve => Vec::new(),
        }
    }

    pub fn describe(&self, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
        match self {
            Reason::Ineligible => lang.pick("资格审查不合格", "ineligible").into(),
            Reason::NoScore => lang.pick("尚无已提交的评分", "no submitted review").into(),
            Reason::BelowMinimum { min } => format!(
                "{} {min}",
                lang.pick("低于最低分", "below the minimum score")
            ),
            Reason::PrefectureCap { prefecture, cap } => format!(
                "{}{}{cap}{}",
                name(prefecture),
                lang.pick("已达每市州上限 ", " has reached its cap of "),
                lang.pick(" 个", "")
            ),
            Reason::RegionFloor { region } => {
                format!(
                    "{}{}",
                    name(region),
                    lang.pick("区域保底", ": region floor")
                )
            }
            Reason::DisplacedByFloor { region, by } => match lang {
                Lang::Zh => format!("因{}({}区域保底)让出", name(by), name(region)),
                Lang::En => format!("displaced by {} ({} region floor)", name(by), name(region)),
            },
            Reason::FilledAfterCap => lang
                .pick(
                    "前序申报受市州上限限制后递补",
                    "filled the place a cap left",
                )
                .into(),
            Reason::Tie { with } => {
                let names: Vec<String> = with.iter().map(|w| name(w)).collect();
                format!(
                    "{}{}",
                    lang.pick("同分并列:", "tied with "),
                    names.join(lang.pick("、", ", "))
                )
            }
            Reason::OutOfQuota => lang.pick("名额已满", "quota filled").into(),
            Reason::Override { reason } => {
                format!("{}{reason}", lang.pick("秘书调整:", "secretary override: "))
            }
            Reason::Warning { grade, due } => match lang {
                Lang::Zh => format!("考核{grade},限期 {due} 前整改"),
                Lang::En => format!("graded {grade}: rectify by {due}"),
            },
            Reason::FailedMidterm { year, grade } => match lang {
                Lang::Zh => format!("{year}年中期评估{grade},退出试点"),
                Lang::En => format!("failed the {year} mid-term evaluation ({grade}): exit"),
            },
            Reason::RepeatedFailure { years } => {
                let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
                match lang {
                    Lang::Zh => format!("{}年度考核不合格,退出试点", years.join("、")),
                    Lang::En => format!("failed the {} assessments: exit", years.join(", ")),
                }
            }
            Reason::ReplacedBy { by } => match lang {
                Lang::Zh => format!("名额由{}递补", name(by)),
                Lang::En => format!("place taken by {}", name(by)),
            },
            Reason::Replaces { exited } => match lang {
                Lang::Zh => format!("递补{}退出后的名额", name(exited)),
                Lang::En => format!("takes the place {} left", name(exited)),
            },
            Reason::NoReserve => lang
                .pick("无备选可递补", "no reserve left to promote")
                .into(),
            Reason::ReserveSkipped {
                app,
                prefecture,
                cap,
            } => match lang {
                Lang::Zh => format!(
                    "{}未递补:{}已达每市州上限 {cap} 个",
                    name(app),
                    name(prefecture)
                ),
                Lang::En => format!(
                    "{} passed over: {} has reached its cap of {cap}",
                    name(app),
                    name(prefecture)
                ),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub app: String,
    /// Rank within the tier among eligible, scored applicants.
    pub rank: Option<usize>,
    pub score: Option<f64>,
    pub outcome: Outcome,
    pub basis: Option<Basis>,
    pub reasons: Vec<Reason>,
    pub tie: bool,
    /// Assessment: the grade band reached.
    pub grade: Option<String>,
    /// Assessment: the deadline to rectify, for a warning.
    pub due_on: Option<chrono::NaiveDate>,
}

fn cmp_candidates(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    let sa = a.score.unwrap_or(f64::MIN);
    let sb = b.score.unwrap_or(f64::MIN);
    sb.total_cmp(&sa)
        .then_with(|| {
            for (x, y) in a.tie_scores.iter().zip(&b.tie_scores) {
                let o = y.total_cmp(x);
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        })
        .then_with(|| a.app.cmp(&b.app))
}

fn same_standing(a: &Candidate, b: &Candidate) -> bool {
    // Scores are compared at the precision they are shown and decided at.
    let eq = |x: f64, y: f64| (x - y).abs() < 1e-6;
    a.score.zip(b.score).is_some_and(|(x, y)| eq(x, y))
        && a.tie_scores.len() == b.tie_scores.len()
        && a.tie_scores
            .iter()
            .zip(&b.tie_scores)
            .all(|(x, y)| eq(*x, *y))
}

/// Proposes a tier's list. Lines come back in rank order: direct
/// inclusions, then the ranked pool, then those outside it.
pub fn propose(rules: &Rules, candidates: &[Candidate]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut outside = Vec::new();
    let mut pool: Vec<&Candidate> = Vec::new();
    for c in candidates {
        let reason = match (c.verdict, c.score) {
            (Verdict::DirectlyIncluded, _) => {
                lines.push(Line {
                    app: c.app.clone(),
                    rank: None,
                    score: c.score,
                    outcome: Outcome::Selected,
                    basis: Some(Basis::Direct),
                    reasons: Vec::new(),
                    tie: false,
                    grade: None,
                    due_on: None,
                });
                continue;
            }
            (Verdict::Ineligible, _) => Reason::Ineligible,
            (_, None) => Reason::NoScore,
            (_, Some(s)) if s < rules.min_score => Reason::BelowMinimum {
                min: rules.min_score,
            },
            _ => {
                pool.push(c);
                continue;
            }
        };
        outside.push(Line {
            app: c.app.clone(),
            rank: None,
            score: c.score,
            outcome: Outcome::NotSelected,
            basis: None,
            reasons: vec![reason],
            tie: false,
            grade: None,
            due_on: None,
        });
    }
    pool.sort_by(|a, b| cmp_candidates(a, b));
    let n = pool.len();
    let quota = rules.quota.min(n);
    let baseline: Vec<bool> = (0..n).map(|i| i < quota).collect();

    // Greedy fill under the per-prefecture cap.
    let mut selected = vec![false; n];
    let mut reasons: Vec<Vec<Reason>> = vec![Vec::new(); n];
    let mut per_pref: BTreeMap<&str, usize> = BTreeMap::new();
    let mut count = 0;
    let mut capped_above = false;
    for i in 0..n {
        if count == rules.quota {
            break;
        }
        let p = pool[i].prefecture.as_str();
        let used = per_pref.get(p).copied().unwrap_or(0);
        if rules.prefecture_cap > 0 && used >= rules.prefecture_cap {
            reasons[i].push(Reason::PrefectureCap {
                prefecture: p.to_string(),
                cap: rules.prefecture_cap,
            });
            capped_above = true;
            continue;
        }
        selected[i] = true;
        count += 1;
        *per_pref.entry(p).or_default() += 1;
        if capped_above && !baseline[i] {
            reasons[i].push(Reason::FilledAfterCap);
        }
    }

    // Floors: each region with a candidate gets `region_floor` places, taken
    // from the lowest-ranked selection of a region that has more than its floor.
    if rules.region_floor > 0 {
        let mut regions: Vec<&str> = pool.iter().map(|c| c.region.as_str()).collect();
        regions.dedup();
        let mut seen = std::collections::BTreeSet::new();
        regions.retain(|r| seen.insert(*r));
        for region in regions {
            loop {
                let have = (0..n)
                    .filter(|&i| selected[i] && pool[i].region == region)
                    .count();
                if have >= rules.region_floor {
                    break;
                }
                let cap_ok = |i: usize, per_pref: &BTreeMap<&str, usize>| {
                    rules.prefecture_cap == 0
                        || per_pref
                            .get(pool[i].prefecture.as_str())
                            .copied()
                            .unwrap_or(0)
                            < rules.prefecture_cap
                };
                let Some(add) = (0..n)
                    .find(|&i| !selected[i] && pool[i].region == region && cap_ok(i, &per_pref))
                else {
                    break;
                };
                let region_count = |r: &str, selected: &[bool]| {
                    (0..n)
                        .filter(|&i| selected[i] && pool[i].region == r)
                        .count()
                };
                if count >= rules.quota {
                    let Some(drop) = (0..n).rev().find(|&i| {
                        selected[i]
                            && pool[i].region != region
                            && region_count(&pool[i].region, &selected) > rules.region_floor
                    }) else {
                        break;
                    };
                    selected[drop] = false;
                    count -= 1;
                    *per_pref
                        .get_mut(pool[drop].prefecture.as_str())
                        .expect("counted") -= 1;
                    reasons[drop].retain(|r| *r != Reason::FilledAfterCap);
                    reasons[drop].push(Reason::DisplacedByFloor {
                        region: region.to_string(),
                        by: pool[add].app.clone(),
                    });
                }
                selected[add] = true;
                count += 1;
                *per_pref.entry(pool[add].prefecture.as_str()).or_default() += 1;
                reasons[add].retain(|r| !matches!(r, Reason::PrefectureCap { .. }));
                reasons[add].push(Reason::RegionFloor {
                    region: region.to_string(),
                });
            }
        }
    }

    // Ties, reserves, and the lines.
    let mut reserves_left = rules.reserves;
    let mut ranked = Vec::with_capacity(n);
    for i in 0..n {
        let tied: Vec<String> = (0..n)
            .filter(|&j| j != i && same_standing(pool[i], pool[j]))
            .map(|j| pool[j].app.clone())
            .collect();
        let tie = !tied.is_empty();
        if tie {
            reasons[i].push(Reason::Tie { with: tied });
        }
        let (outcome, basis) = if selected[i] {
            let basis = if baseline[i]
                && !reasons[i]
                    .iter()
                    .any(|r| matches!(r, Reason::RegionFloor { .. }))
            {
                Basis::ByScore
            } else {
                Basis::Adjusted
            };
            (Outcome::Selected, Some(basis))
        } else if reserves_left > 0 {
            reserves_left -= 1;
            (Outcome::Reserve, None)
        } else {
            if reasons[i].iter().all(|r| matches!(r, Reason::Tie { .. })) {
                reasons[i].push(Reason::OutOfQuota);
            }
            (Outcome::NotSelected, None)
        };
        ranked.push(Line {
            app: pool[i].app.clone(),
            rank: Some(i + 1),
            score: pool[i].score,
            outcome,
            basis,
            reasons: std::mem::take(&mut reasons[i]),
            tie,
            grade: None,
            due_on: None,
        });
    }
    lines.extend(ranked);
    lines.extend(outside);
    lines
}

/// Applies the secretary's overrides: each replaces a line's outcome and
/// says why. A line brought onto the list by an override is a balance
/// adjustment (统筹调整).
pub fn apply_overrides(lines: &mut [Line], overrides: &BTreeMap<String, (Outcome, String)>) {
    for line in lines {
        let Some((outcome, reason)) = overrides.get(&line.app) else {
            continue;
        };
        if *outcome != line.outcome {
            line.basis = match outcome {
                Outcome::Selected if line.basis == Some(Basis::Direct) => Some(Basis::Direct),
                Outcome::Selected => Some(Basis::Adjusted),
                _ => None,
            };
            line.outcome = *outcome;
        }
        line.reasons.push(Reason::Override {
            reason: reason.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_outcomes_with_their_reason() {
        let mut lines = propose(
            &rules(1, 0, 0),
            &[c("a", "p1", "r", 90.0), c("b", "p2", "r", 80.0)],
        );
        let overrides = BTreeMap::from([(
            "b".to_string(),
            (Outcome::Selected, "示范带动作用突出".to_string()),
        )]);
        apply_overrides(&mut lines, &overrides);
        let b = outcome(&lines, "b");
        assert_eq!(
            (b.outcome, b.basis),
            (Outcome::Selected, Some(Basis::Adjusted))
        );
        assert_eq!(
            b.reasons.last(),
            Some(&Reason::Override {
                reason: "示范带动作用突出".into()
            })
        );
    }

    fn c(app: &str, pref: &str, region: &str, score: f64) -> Candidate {
        Candidate {
            app: app.into(),
            prefecture: pref.into(),
            region: region.into(),
            verdict: Verdict::Eligible,
            score: Some(score),
            tie_scores: vec![],
        }
    }

    fn rules(quota: usize, cap: usize, floor: usize) -> Rules {
        Rules {
            quota,
            prefecture_cap: cap,
            region_floor: floor,
            min_score: 60.0,
            reserves: 1,
        }
    }

    fn outcome<'a>(lines: &'a [Line], app: &str) -> &'a Line {
        lines.iter().find(|l| l.app == app).unwrap()
    }

    #[test]
    fn pure_rank_order_when_no_rule_binds() {
        let lines = propose(
            &rules(2, 0, 0),
            &[
                c("a", "p1", "r1", 90.0),
                c("b", "p2", "r1", 80.0),
                c("c", "p3", "r1", 70.0),
            ],
        );
        assert_eq!(outcome(&lines, "a").basis, Some(Basis::ByScore));
        assert_eq!(outcome(&lines, "b").outcome, Outcome::Selected);
        assert_eq!(outcome(&lines, "c").outcome, Outcome::Reserve);
        assert_eq!(outcome(&lines, "c").rank, Some(3));
    }

    #[test]
    fn cap_passes_over_and_the_next_fills_in() {
        let lines = propose(
            &rules(2, 1, 0),
            &[
                c("a", "changsha", "core", 95.0),
                c("b", "changsha", "core", 90.0),
                c("d", "yueyang", "pole", 70.0),
            ],
        );
        let b = outcome(&lines, "b");
        assert_ne!(b.outcome, Outcome::Selected);
        assert_eq!(
            b.reasons[0],
            Reason::PrefectureCap {
                prefecture: "changsha".into(),
                cap: 1
            }
        );
        let d = outcome(&lines, "d");
        assert_eq!(
            (d.outcome, d.basis),
            (Outcome::Selected, Some(Basis::Adjusted))
        );
        assert_eq!(d.reasons, vec![Reason::FilledAfterCap]);
    }

    #[test]
    fn floor_brings_in_a_region_and_displaces_the_lowest_of_a_full_one() {
        let lines = propose(
            &rules(2, 0, 1),
            &[
                c("a", "p1", "core", 95.0),
                c("b", "p2", "core", 90.0),
                c("z", "p3", "west", 65.0),
            ],
        );
        let z = outcome(&lines, "z");
        assert_eq!(
            (z.outcome, z.basis),
            (Outcome::Selected, Some(Basis::Adjusted))
        );
        assert_eq!(
            z.reasons,
            vec![Reason::RegionFloor {
                region: "west".into()
            }]
        );
        let b = outcome(&lines, "b");
        assert_eq!(
            b.reasons,
            vec![Reason::DisplacedByFloor {
                region: "west".into(),
                by: "z".into()
            }]
        );
        assert_eq!(b.outcome, Outcome::Reserve);
        assert_eq!(outcome(&lines, "a").basis, Some(Basis::ByScore));
    }

    #[test]
    fn ineligible_below_minimum_and_unscored_stay_out() {
        let mut bad = c("x", "p1", "r", 99.0);
        bad.verdict = Verdict::Ineligible;
        let mut none = c("y", "p1", "r", 0.0);
        none.score = None;
        let lines = propose(
            &rules(3, 0, 0),
            &[
                bad,
                none,
                c("low", "p2", "r", 59.9),
                c("ok", "p3", "r", 61.0),
            ],
        );
        assert_eq!(outcome(&lines, "x").reasons, vec![Reason::Ineligible]);
        assert_eq!(outcome(&lines, "y").reasons, vec![Reason::NoScore]);
        assert_eq!(
            outcome(&lines, "low").reasons,
            vec![Reason::BelowMinimum { min: 60.0 }]
        );
        assert_eq!(outcome(&lines, "ok").outcome, Outcome::Selected);
    }

    #[test]
    fn ties_break_by_sub_scores_and_are_marked_when_they_remain() {
        let mut a = c("a", "p1", "r", 80.0);
        a.tie_scores = vec![15.0, 20.0];
        let mut b = c("b", "p2", "r", 80.0);
        b.tie_scores = vec![16.0, 10.0];
        let lines = propose(&rules(1, 0, 0), &[a.clone(), b]);
        assert_eq!(
            outcome(&lines, "b").rank,
            Some(1),
            "the first tie-break sub-score decides"
        );
        assert!(!outcome(&lines, "b").tie);
        let mut a2 = a.clone();
        a2.app = "a2".into();
        let lines = propose(&rules(1, 0, 0), &[a2, a]);
        assert!(outcome(&lines, "a").tie && outcome(&lines, "a2").tie);
        assert_eq!(
            outcome(&lines, "a").reasons[0],
            Reason::Tie {
                with: vec!["a2".into()]
            }
        );
    }

    #[test]
    fn direct_inclusions_sit_outside_the_quota() {
        let mut d = c("d", "p1", "r", 0.0);
        d.verdict = Verdict::DirectlyIncluded;
        d.score = None;
        let lines = propose(&rules(1, 0, 0), &[d, c("a", "p2", "r", 70.0)]);
        assert_eq!(outcome(&lines, "d").basis, Some(Basis::Direct));
        assert_eq!(outcome(&lines, "a").outcome, Outcome::Selected);
    }

    #[test]
    fn quota_larger_than_pool_selects_all_eligible() {
        let lines = propose(
            &rules(5, 0, 1),
            &[c("a", "p1", "r1", 70.0), c("b", "p2", "r2", 65.0)],
        );
        assert!(lines.iter().all(|l| l.outcome == Outcome::Selected));
    }
}
