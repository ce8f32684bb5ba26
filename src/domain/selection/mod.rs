//! Settling a tier's list under the call's balance rules: eligible
//! applicants at or above the minimum score, in rank order, with at most
//! `prefecture_cap` places per 市州 and a floor of places for each region
//! that has a candidate. Every departure from pure rank order (统筹调整) is
//! recorded with the rule that forced it; ties are broken by the call's
//! sub-score order and marked. Directly-included applicants (直接纳入) take
//! their place outside the quota; whether they count toward their 市州's cap
//! and their region's floor is the tier's rule (`Rules`).
//!
//! [`rank`] is the one definition of the rank within a tier (层级内排名):
//! the matrix, the list, the exports and the finalised decisions all take
//! their rank from it.

mod reason;

pub use reason::{Reason, strip_hidden};

use super::eligibility::CheckKind;
use super::{Outcome, Verdict};
use crate::base::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub app: String,
    pub prefecture: String,
    pub region: String,
    pub verdict: Verdict,
    /// The eligibility checks it failed (for an ineligible one's reason).
    pub failed_checks: Vec<CheckKind>,
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
    /// A directly-included applicant takes one of its 市州's `prefecture_cap`
    /// places (here and when a reserve is promoted, `management`).
    pub direct_counts_toward_cap: bool,
    /// A directly-included applicant is one of its region's floor places.
    pub direct_fills_region_floor: bool,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub app: String,
    /// Rank within the tier, from [`rank`]; None outside the ranking
    /// (ineligible, included directly, no submitted review).
    pub rank: Option<usize>,
    pub score: Option<f64>,
    pub outcome: Outcome,
    pub basis: Option<Basis>,
    pub reasons: Vec<Reason>,
    /// Level with another line on the score and every tie-break sub-score:
    /// the order needs the panel's vote. (A tie that a sub-score settled is
    /// a `Reason::TieBroken` and leaves this false.)
    pub tie: bool,
    /// Assessment: the grade band reached.
    pub grade: Option<String>,
    /// Assessment: the deadline to rectify, for a warning.
    pub due_on: Option<chrono::NaiveDate>,
}

/// Scores and sub-scores are the same when they agree to 1e-6: far finer
/// than the 0.01 they are shown and decided at, far coarser than the float
/// noise of adding in another order (1e-14). Quantised, not compared with a
/// tolerance, so that ordering by it is a total order.
fn level(x: f64) -> i64 {
    (x * 1e6).round() as i64
}

/// What places an application within its tier.
#[derive(Debug, Clone, Copy)]
pub struct Standing<'a> {
    pub app: &'a str,
    /// Aggregate score of 100.
    pub score: f64,
    /// Mean sub-scores in the tie-break order.
    pub tie_scores: &'a [f64],
}

/// Where an application stands in its tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Placing {
    pub rank: usize,
    /// A `TieBroken` for each application level with it on the score that a
    /// sub-score set apart, then one `Tie` naming those level with it on
    /// every sub-score too.
    pub ties: Vec<Reason>,
}

impl Placing {
    /// A tie no sub-score settles.
    pub fn tied(&self) -> bool {
        self.ties.iter().any(|r| matches!(r, Reason::Tie { .. }))
    }
}

/// The rank within a tier (层级内排名): its one definition, which the
/// matrix, the lists, the exports and the finalised decisions all use.
/// Who is ranked is the caller's part: in a selection round, the eligible
/// applicants with a submitted review, below the minimum score or not (not
/// the ineligible, not those included directly); in an assessment round,
/// every pilot with a submitted review. Highest aggregate first; an equal
/// aggregate (to 1e-6) is settled by the tie-break sub-scores in order
/// (`criteria` are their ids), the first that differs deciding; those equal
/// on every one share a rank (1, 2, 2, 4) and the panel votes. One placing
/// per entry, in the entries' order.
pub fn rank(entries: &[Standing<'_>], criteria: &[String]) -> Vec<Placing> {
    let keys: Vec<(i64, Vec<i64>)> = entries
        .iter()
        .map(|e| {
            let subs = e.tie_scores.iter().map(|v| level(*v)).collect();
            (level(e.score), subs)
        })
        .collect();
    // The others in rank order, so that the reasons read in that order.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        keys[b]
            .cmp(&keys[a])
            .then_with(|| entries[a].app.cmp(entries[b].app))
    });
    (0..entries.len())
        .map(|i| {
            let better = keys.iter().filter(|k| **k > keys[i]).count();
            let mut ties = Vec::new();
            let mut level_with = Vec::new();
            for &j in order.iter().filter(|&&j| j != i && keys[j].0 == keys[i].0) {
                let first_apart = keys[i].1.iter().zip(&keys[j].1).position(|(a, b)| a != b);
                match first_apart {
                    Some(c) => ties.push(Reason::TieBroken {
                        with: entries[j].app.to_string(),
                        criterion: criteria.get(c).cloned().unwrap_or_default(),
                        own: entries[i].tie_scores[c],
                        other: entries[j].tie_scores[c],
                    }),
                    None => level_with.push(entries[j].app.to_string()),
                }
            }
            if !level_with.is_empty() {
                ties.push(Reason::Tie { with: level_with });
            }
            Placing {
                rank: better + 1,
                ties,
            }
        })
        .collect()
}

/// Proposes a tier's list. `tie_break` names the criteria of the
/// candidates' `tie_scores`. Lines come back in rank order: direct
/// inclusions, then the ranked pool, then those ranked below the minimum,
/// then those outside the ranking.
pub fn propose(rules: &Rules, tie_break: &[String], candidates: &[Candidate]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut outside = Vec::new();
    let mut direct: Vec<&Candidate> = Vec::new();
    let mut ranked_in: Vec<&Candidate> = Vec::new();
    for c in candidates {
        let reason = match (c.verdict, c.score) {
            (Verdict::DirectlyIncluded, _) => {
                direct.push(c);
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
            (Verdict::Ineligible, _) => Reason::Ineligible {
                failed: c.failed_checks.clone(),
            },
            (_, None) => Reason::NoScore,
            _ => {
                ranked_in.push(c);
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
    let standings: Vec<Standing<'_>> = ranked_in
        .iter()
        .map(|c| Standing {
            app: &c.app,
            score: c.score.expect("only scored candidates are ranked"),
            tie_scores: &c.tie_scores,
        })
        .collect();
    let mut placed: Vec<(&Candidate, Placing)> = ranked_in
        .into_iter()
        .zip(rank(&standings, tie_break))
        .collect();
    placed.sort_by(|(a, pa), (b, pb)| pa.rank.cmp(&pb.rank).then_with(|| a.app.cmp(&b.app)));
    // Ranked below the minimum: eligible and scored, so ranked, but never
    // on the list.
    let (placed, below): (Vec<_>, Vec<_>) = placed
        .into_iter()
        .partition(|(c, _)| c.score.is_some_and(|s| s >= rules.min_score));
    let (pool, placings): (Vec<&Candidate>, Vec<Placing>) = placed.into_iter().unzip();
    let n = pool.len();
    let quota = rules.quota.min(n);
    let baseline: Vec<bool> = (0..n).map(|i| i < quota).collect();

    // Greedy fill under the per-prefecture cap, which direct inclusions
    // take places of when the tier says so.
    let mut selected = vec![false; n];
    let mut reasons: Vec<Vec<Reason>> = vec![Vec::new(); n];
    let mut per_pref: BTreeMap<&str, usize> = BTreeMap::new();
    if rules.direct_counts_toward_cap {
        for d in &direct {
            *per_pref.entry(d.prefecture.as_str()).or_default() += 1;
        }
    }
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
    // from the lowest-ranked selection of a region that has more than its
    // floor. Direct inclusions hold floor places when the tier says so.
    if rules.region_floor > 0 {
        let direct_in = |r: &str| {
            if rules.direct_fills_region_floor {
                direct.iter().filter(|d| d.region == r).count()
            } else {
                0
            }
        };
        let region_count = |r: &str, selected: &[bool]| {
            direct_in(r)
                + (0..n)
                    .filter(|&i| selected[i] && pool[i].region == r)
                    .count()
        };
        let mut regions: Vec<&str> = pool.iter().map(|c| c.region.as_str()).collect();
        regions.dedup();
        let mut seen = std::collections::BTreeSet::new();
        regions.retain(|r| seen.insert(*r));
        for region in regions {
            loop {
                if region_count(region, &selected) >= rules.region_floor {
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
    let is_tie = |r: &Reason| matches!(r, Reason::Tie { .. } | Reason::TieBroken { .. });
    let mut reserves_left = rules.reserves;
    let mut ranked = Vec::with_capacity(n);
    for (i, placing) in placings.into_iter().enumerate() {
        let tie = placing.tied();
        reasons[i].extend(placing.ties);
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
            if reasons[i].iter().all(is_tie) {
                reasons[i].push(Reason::OutOfQuota);
            }
            (Outcome::NotSelected, None)
        };
        ranked.push(Line {
            app: pool[i].app.clone(),
            rank: Some(placing.rank),
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
    for (c, placing) in below {
        let tie = placing.tied();
        let mut reasons = vec![Reason::BelowMinimum {
            min: rules.min_score,
        }];
        reasons.extend(placing.ties);
        lines.push(Line {
            app: c.app.clone(),
            rank: Some(placing.rank),
            score: c.score,
            outcome: Outcome::NotSelected,
            basis: None,
            reasons,
            tie,
            grade: None,
            due_on: None,
        });
    }
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
            &[],
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
            failed_checks: Vec::new(),
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
            direct_counts_toward_cap: true,
            direct_fills_region_floor: true,
        }
    }

    fn outcome<'a>(lines: &'a [Line], app: &str) -> &'a Line {
        lines.iter().find(|l| l.app == app).unwrap()
    }

    #[test]
    fn pure_rank_order_when_no_rule_binds() {
        let lines = propose(
            &rules(2, 0, 0),
            &[],
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
            &[],
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
            &[],
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
            &[],
            &[
                bad,
                none,
                c("low", "p2", "r", 59.9),
                c("ok", "p3", "r", 61.0),
            ],
        );
        assert_eq!(
            outcome(&lines, "x").reasons,
            vec![Reason::Ineligible { failed: vec![] }]
        );
        assert_eq!(outcome(&lines, "y").reasons, vec![Reason::NoScore]);
        assert_eq!(
            outcome(&lines, "low").reasons,
            vec![Reason::BelowMinimum { min: 60.0 }]
        );
        assert_eq!(outcome(&lines, "ok").outcome, Outcome::Selected);
    }

    fn tied(app: &str, score: f64, subs: &[f64]) -> Candidate {
        let mut x = c(app, &format!("p-{app}"), "r", score);
        x.tie_scores = subs.to_vec();
        x
    }

    fn criteria() -> Vec<String> {
        vec!["investment".into(), "base".into()]
    }

    #[test]
    fn a_tie_settled_by_a_sub_score_is_marked_with_it() {
        // The median case of the sample: 80.5 each, investment 17.10 vs 15.92.
        let lines = propose(
            &rules(1, 0, 0),
            &criteria(),
            &[
                tied("chen", 80.5, &[15.92, 20.0]),
                tied("yue", 80.5, &[17.1, 18.0]),
            ],
        );
        let (yue, chen) = (outcome(&lines, "yue"), outcome(&lines, "chen"));
        assert_eq!((yue.rank, chen.rank), (Some(1), Some(2)));
        assert!(!yue.tie && !chen.tie, "settled: no panel vote");
        assert_eq!(
            yue.reasons,
            [Reason::TieBroken {
                with: "chen".into(),
                criterion: "investment".into(),
                own: 17.1,
                other: 15.92
            }]
        );
        assert_eq!(chen.outcome, Outcome::Reserve);
        assert_eq!(
            chen.reasons,
            [Reason::TieBroken {
                with: "yue".into(),
                criterion: "investment".into(),
                own: 15.92,
                other: 17.1
            }]
        );
        // Rendered with the criterion's and the other's names, both languages.
        let name = |id: &str| match id {
            "investment" => "重点任务与投资计划".to_string(),
            other => other.to_uppercase(),
        };
        assert_eq!(
            yue.reasons[0].describe(Lang::Zh, &name),
            "与CHEN同分,以「重点任务与投资计划」分项 17.10 对 15.92 排定"
        );
        assert_eq!(
            yue.reasons[0].describe(Lang::En, &|id: &str| id.to_uppercase()),
            "tied with CHEN, settled by the INVESTMENT sub-score 17.10 vs 15.92"
        );
    }

    #[test]
    fn a_tie_no_sub_score_settles_shares_the_rank_and_is_marked() {
        // The three-way case: two equal on every sub-score, the third set
        // apart by the first; the second sub-score decides nothing here.
        let lines = propose(
            &rules(1, 0, 0),
            &criteria(),
            &[
                tied("liling", 80.0, &[14.0, 25.0]),
                tied("miluo", 80.0, &[14.0, 25.0]),
                tied("shaodong", 80.0, &[13.8, 25.0]),
            ],
        );
        let (li, mi, sh) = (
            outcome(&lines, "liling"),
            outcome(&lines, "miluo"),
            outcome(&lines, "shaodong"),
        );
        assert_eq!((li.rank, mi.rank, sh.rank), (Some(1), Some(1), Some(3)));
        assert!(li.tie && mi.tie && !sh.tie);
        assert!(li.reasons.contains(&Reason::Tie {
            with: vec!["miluo".into()]
        }));
        assert!(li.reasons.contains(&Reason::TieBroken {
            with: "shaodong".into(),
            criterion: "investment".into(),
            own: 14.0,
            other: 13.8
        }));
        assert_eq!(
            sh.reasons
                .iter()
                .filter(|r| matches!(r, Reason::TieBroken { .. }))
                .count(),
            2,
            "{:?}",
            sh.reasons
        );
        // The later sub-score settles what the first leaves level.
        let lines = propose(
            &rules(1, 0, 0),
            &criteria(),
            &[
                tied("a", 80.0, &[14.0, 25.0]),
                tied("b", 80.0, &[14.0, 24.5]),
            ],
        );
        assert_eq!(
            outcome(&lines, "b").reasons[0],
            Reason::TieBroken {
                with: "a".into(),
                criterion: "base".into(),
                own: 24.5,
                other: 25.0
            }
        );
    }

    #[test]
    fn below_the_minimum_is_ranked_but_not_selected() {
        let mut bad = c("x", "p0", "r", 99.0);
        bad.verdict = Verdict::Ineligible;
        let lines = propose(
            &rules(3, 0, 0),
            &[],
            &[bad, c("ok", "p1", "r", 70.0), c("low", "p2", "r", 59.9)],
        );
        let low = outcome(&lines, "low");
        assert_eq!(low.rank, Some(2), "eligible and scored: ranked");
        assert_eq!(low.outcome, Outcome::NotSelected);
        assert_eq!(low.reasons, [Reason::BelowMinimum { min: 60.0 }]);
        assert_eq!(outcome(&lines, "x").rank, None, "ineligible: unranked");
        assert_eq!(outcome(&lines, "ok").rank, Some(1));
    }

    fn direct(app: &str, pref: &str, region: &str) -> Candidate {
        let mut d = c(app, pref, region, 0.0);
        d.verdict = Verdict::DirectlyIncluded;
        d.score = None;
        d
    }

    #[test]
    fn a_direct_inclusion_holds_its_prefectures_cap_when_the_tier_says_so() {
        // F1: 醴陵 moved into 永州, where 祁阳 is included directly.
        let cands = [
            direct("qiyang", "yongzhou", "jingguang"),
            c("liling", "yongzhou", "core", 76.0),
            c("cili", "zhangjiajie", "zjh", 73.75),
        ];
        let mut r = rules(1, 1, 0);
        let lines = propose(&r, &[], &cands);
        let liling = outcome(&lines, "liling");
        assert_eq!(liling.outcome, Outcome::Reserve);
        assert_eq!(
            liling.reasons,
            [Reason::PrefectureCap {
                prefecture: "yongzhou".into(),
                cap: 1
            }]
        );
        assert_eq!(outcome(&lines, "cili").reasons, [Reason::FilledAfterCap]);
        r.direct_counts_toward_cap = false;
        let lines = propose(&r, &[], &cands);
        assert_eq!(
            (
                outcome(&lines, "liling").outcome,
                outcome(&lines, "liling").basis
            ),
            (Outcome::Selected, Some(Basis::ByScore))
        );
    }

    #[test]
    fn a_direct_inclusion_fills_its_regions_floor_when_the_tier_says_so() {
        // F2: 涟源 moved into 京广, the region of two direct inclusions.
        let cands = [
            direct("leiyang", "hengyang", "jingguang"),
            direct("qiyang", "yongzhou", "jingguang"),
            c("liuyang", "changsha", "core", 93.5),
            c("liling", "zhuzhou", "core", 76.0),
            c("lianyuan", "loudi", "jingguang", 70.125),
        ];
        let mut r = rules(2, 1, 1);
        let lines = propose(&r, &[], &cands);
        assert_eq!(outcome(&lines, "liling").outcome, Outcome::Selected);
        assert_eq!(outcome(&lines, "lianyuan").outcome, Outcome::Reserve);
        r.direct_fills_region_floor = false;
        let lines = propose(&r, &[], &cands);
        let lianyuan = outcome(&lines, "lianyuan");
        assert_eq!(
            (lianyuan.outcome, lianyuan.basis),
            (Outcome::Selected, Some(Basis::Adjusted))
        );
        assert_eq!(
            outcome(&lines, "liling").reasons,
            [Reason::DisplacedByFloor {
                region: "jingguang".into(),
                by: "lianyuan".into()
            }]
        );
    }

    #[test]
    fn an_ineligible_line_names_the_checks_it_failed() {
        let mut bad = c("x", "p0", "r", 80.0);
        bad.verdict = Verdict::Ineligible;
        bad.failed_checks = vec![CheckKind::Deadline, CheckKind::LeadingGroup];
        let lines = propose(&rules(1, 0, 0), &[], &[bad]);
        let reason = &outcome(&lines, "x").reasons[0];
        assert_eq!(
            reason.describe(Lang::Zh, &|s: &str| s.to_string()),
            "资格审查不合格:按时报送、主要领导任组长"
        );
        assert_eq!(
            reason.describe(Lang::En, &|s: &str| s.to_string()),
            "ineligible: failed submitted by the deadline, leading group under the principal leader"
        );
    }

    #[test]
    fn direct_inclusions_sit_outside_the_quota() {
        let mut d = c("d", "p1", "r", 0.0);
        d.verdict = Verdict::DirectlyIncluded;
        d.score = None;
        let lines = propose(&rules(1, 0, 0), &[], &[d, c("a", "p2", "r", 70.0)]);
        assert_eq!(outcome(&lines, "d").basis, Some(Basis::Direct));
        assert_eq!(outcome(&lines, "a").outcome, Outcome::Selected);
    }

    #[test]
    fn quota_larger_than_pool_selects_all_eligible() {
        let lines = propose(
            &rules(5, 0, 1),
            &[],
            &[c("a", "p1", "r1", 70.0), c("b", "p2", "r2", 65.0)],
        );
        assert!(lines.iter().all(|l| l.outcome == Outcome::Selected));
    }
}
