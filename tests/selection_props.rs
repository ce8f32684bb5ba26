//! Properties of the selection under balance rules, over random candidate
//! sets: the quota, the caps and the minimum always hold; only eligible
//! applicants are selected; every selection outside pure rank order carries
//! the rule that forced it; every eligible, scored applicant carries the
//! one rank and every tie on the score is marked; the result does not
//! depend on input order.

use jury::domain::selection::{Basis, Candidate, Reason, Rules, propose};
use jury::domain::{Outcome, Verdict};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn candidate() -> impl Strategy<Value = (u8, u8, u8, u8, Option<u8>)> {
    // prefecture, region, verdict, tie sub-score, score
    (
        0u8..6,
        0u8..4,
        0u8..10,
        0u8..20,
        proptest::option::weighted(0.9, 40u8..100),
    )
}

fn build(raw: &[(u8, u8, u8, u8, Option<u8>)]) -> Vec<Candidate> {
    raw.iter()
        .enumerate()
        .map(|(i, (p, r, v, t, s))| Candidate {
            app: format!("app{i:02}"),
            prefecture: format!("p{p}"),
            region: format!("r{r}"),
            verdict: match v {
                0 => Verdict::Ineligible,
                1 => Verdict::DirectlyIncluded,
                _ => Verdict::Eligible,
            },
            failed_checks: Vec::new(),
            score: s.map(|s| s as f64),
            tie_scores: vec![*t as f64],
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn rules_always_hold(
        raw in proptest::collection::vec(candidate(), 0..30),
        quota in 0usize..8,
        cap in 0usize..3,
        floor in 0usize..2,
        reserves in 0usize..3,
        direct_counts in any::<bool>(),
        direct_floor in any::<bool>(),
    ) {
        let cands = build(&raw);
        let rules = Rules {
            quota, prefecture_cap: cap, region_floor: floor, min_score: 60.0, reserves,
            direct_counts_toward_cap: direct_counts, direct_fills_region_floor: direct_floor,
        };
        let lines = propose(&rules, &["t".to_string()], &cands);
        prop_assert_eq!(lines.len(), cands.len(), "one line per candidate");
        let by_app: BTreeMap<&str, &Candidate> = cands.iter().map(|c| (c.app.as_str(), c)).collect();
        let ranked: Vec<_> = lines.iter().filter(|l| l.outcome == Outcome::Selected && l.basis != Some(Basis::Direct)).collect();
        prop_assert!(ranked.len() <= quota);
        let mut per_pref: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &ranked {
            let c = by_app[l.app.as_str()];
            prop_assert_eq!(c.verdict, Verdict::Eligible);
            prop_assert!(c.score.unwrap() >= 60.0);
            *per_pref.entry(c.prefecture.as_str()).or_default() += 1;
            if l.basis == Some(Basis::Adjusted) {
                prop_assert!(
                    l.reasons.iter().any(|r| matches!(r, Reason::RegionFloor { .. } | Reason::FilledAfterCap)),
                    "an adjustment names its rule: {:?}", l
                );
            }
        }
        if cap > 0 {
            prop_assert!(per_pref.values().all(|n| *n <= cap), "{:?}", per_pref);
        }
        // Counted toward the cap, direct inclusions leave their 市州 only
        // what the cap has left (none if they fill it themselves).
        if cap > 0 && direct_counts {
            let mut direct: BTreeMap<&str, usize> = BTreeMap::new();
            for c in cands.iter().filter(|c| c.verdict == Verdict::DirectlyIncluded) {
                *direct.entry(c.prefecture.as_str()).or_default() += 1;
            }
            for (p, n) in &per_pref {
                let d = direct.get(p).copied().unwrap_or(0);
                prop_assert!(*n + d <= cap.max(d), "{p}: {n} ranked + {d} direct, cap {cap}");
            }
        }
        // One rank: every eligible, scored candidate is ranked (below the
        // minimum too), nobody else; the rank is one more than the number
        // strictly ahead on score and then the tie-break sub-score.
        let key = |c: &Candidate| (c.score.unwrap() as i64, c.tie_scores[0] as i64);
        for l in &lines {
            let c = by_app[l.app.as_str()];
            let eligible_scored = c.verdict == Verdict::Eligible && c.score.is_some();
            prop_assert_eq!(l.rank.is_some(), eligible_scored, "{:?}", l);
            if let Some(rank) = l.rank {
                let ahead = cands
                    .iter()
                    .filter(|o| o.verdict == Verdict::Eligible && o.score.is_some())
                    .filter(|o| key(o) > key(c))
                    .count();
                prop_assert_eq!(rank, ahead + 1);
                let level = cands.iter().any(|o| {
                    o.app != c.app && o.verdict == Verdict::Eligible && o.score == c.score
                });
                let marked = l.reasons.iter().any(|r| matches!(r, Reason::Tie { .. } | Reason::TieBroken { .. }));
                prop_assert_eq!(level, marked, "a tie on the score is marked, settled or not: {:?}", l);
            }
        }
        for l in &lines {
            let c = by_app[l.app.as_str()];
            if c.verdict == Verdict::DirectlyIncluded {
                prop_assert_eq!(l.basis, Some(Basis::Direct));
            }
        }
        let reserves_given = lines.iter().filter(|l| l.outcome == Outcome::Reserve).count();
        prop_assert!(reserves_given <= reserves);
    }

    #[test]
    fn input_order_does_not_matter(raw in proptest::collection::vec(candidate(), 0..20), quota in 0usize..6) {
        let cands = build(&raw);
        let rules = Rules {
            quota, prefecture_cap: 1, region_floor: 1, min_score: 60.0, reserves: 2,
            direct_counts_toward_cap: true, direct_fills_region_floor: true,
        };
        let mut forward = propose(&rules, &[], &cands);
        let mut reversed_in: Vec<Candidate> = cands.clone();
        reversed_in.reverse();
        let mut backward = propose(&rules, &[], &reversed_in);
        forward.sort_by(|a, b| a.app.cmp(&b.app));
        backward.sort_by(|a, b| a.app.cmp(&b.app));
        for (f, b) in forward.iter().zip(&backward) {
            prop_assert_eq!(f.outcome, b.outcome, "{}", f.app);
            prop_assert_eq!(f.rank, b.rank);
        }
    }
}
