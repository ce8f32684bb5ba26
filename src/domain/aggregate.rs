//! Combining reviewers' totals: trimmed mean, mean, median, per-reviewer
//! z-score standardisation; spread; reviewer calibration; panel reliability
//! (Krippendorff's alpha, interval metric, which tolerates recusals).
//! Pure arithmetic over totals on a 0–100 scale.

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Drop one highest and one lowest total, average the rest (needs ≥ 5).
    TrimmedMean,
    Mean,
    Median,
    /// Each reviewer's totals standardised (z-scores) and rescaled to the
    /// pooled mean and SD (`standardise`), then combined like raw totals
    /// under the trimmed mean: one highest and one lowest dropped when
    /// there are 5 or more, else the plain mean (and `fell_back`).
    ZScore,
}

impl Method {
    pub const ALL: [Method; 4] = [
        Method::TrimmedMean,
        Method::Mean,
        Method::Median,
        Method::ZScore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::TrimmedMean => "trimmed_mean",
            Method::Mean => "mean",
            Method::Median => "median",
            Method::ZScore => "z_score",
        }
    }

    pub fn label(self, lang: crate::base::i18n::Lang) -> &'static str {
        match self {
            Method::TrimmedMean => lang.pick("去掉最高最低后平均", "trimmed mean"),
            Method::Mean => lang.pick("算术平均", "mean"),
            Method::Median => lang.pick("中位数", "median"),
            Method::ZScore => lang.pick("标准化(Z 分数)", "z-score standardised"),
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Fewest totals for which the trimmed mean drops one high and one low.
pub const TRIM_MIN: usize = 5;

pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// (sum − max − min) / (m − 2) for m ≥ 5; otherwise the plain mean, and the
/// second value says the fallback was taken.
pub fn trimmed_mean(values: &[f64]) -> Option<(f64, bool)> {
    if values.len() < TRIM_MIN {
        return mean(values).map(|m| (m, true));
    }
    let sum: f64 = values.iter().sum();
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    Some(((sum - max - min) / (values.len() - 2) as f64, false))
}

/// Sample standard deviation (n − 1); None under two values.
pub fn sd(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64;
    Some(var.sqrt())
}

pub fn range(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    Some(max - min)
}

/// Submitted totals: application → reviewer → total (0–100).
pub type Totals = BTreeMap<String, BTreeMap<String, f64>>;

/// A reviewer's calibration against the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewerStats {
    pub reviewer: String,
    pub count: usize,
    pub mean: f64,
    pub sd: Option<f64>,
    /// Mean of (this reviewer's total − the mean of the others' totals) over
    /// the applications this reviewer scored: positive is lenient.
    pub bias: Option<f64>,
}

pub fn reviewer_stats(totals: &Totals) -> Vec<ReviewerStats> {
    let mut by_reviewer: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut diffs: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for scores in totals.values() {
        for (r, v) in scores {
            by_reviewer.entry(r).or_default().push(*v);
            let others: Vec<f64> = scores
                .iter()
                .filter(|(o, _)| *o != r)
                .map(|(_, v)| *v)
                .collect();
            if let Some(m) = mean(&others) {
                diffs.entry(r).or_default().push(v - m);
            }
        }
    }
    by_reviewer
        .into_iter()
        .map(|(r, values)| ReviewerStats {
            reviewer: r.to_string(),
            count: values.len(),
            mean: mean(&values).unwrap_or(0.0),
            sd: sd(&values),
            bias: diffs.get(r).and_then(|d| mean(d)),
        })
        .collect()
}

/// Each total replaced by the reviewer's z-score rescaled to the pooled mean
/// and SD: x′ = M + S·(x − m_r)/s_r, where m_r and s_r are the reviewer's
/// mean and sample SD (n − 1) over every total they submitted in `totals`
/// (the whole round: all tiers, ineligible applications included), and M
/// and S the mean and sample SD of all those totals together. A reviewer
/// with fewer than two totals, or no spread, keeps raw totals (there is
/// nothing to standardise against).
pub fn standardise(totals: &Totals) -> Totals {
    let all: Vec<f64> = totals.values().flat_map(|s| s.values().copied()).collect();
    let (Some(pooled_mean), Some(pooled_sd)) = (mean(&all), sd(&all)) else {
        return totals.clone();
    };
    let stats: BTreeMap<String, ReviewerStats> = reviewer_stats(totals)
        .into_iter()
        .map(|s| (s.reviewer.clone(), s))
        .collect();
    totals
        .iter()
        .map(|(app, scores)| {
            let adjusted = scores
                .iter()
                .map(|(r, v)| {
                    let s = &stats[r];
                    let value = match s.sd {
                        Some(sd) if sd > 1e-9 && s.count >= 2 => {
                            pooled_mean + (v - s.mean) / sd * pooled_sd
                        }
                        _ => *v,
                    };
                    (r.clone(), value)
                })
                .collect();
            (app.clone(), adjusted)
        })
        .collect()
}

/// One application's aggregate under a method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    pub value: f64,
    pub reviews: usize,
    /// The method asked for would trim (trimmed mean, z-score) but there
    /// are under 5 reviews, so the plain mean was used: shown with `*`.
    pub fell_back: bool,
    pub range: Option<f64>,
    pub sd: Option<f64>,
}

/// Aggregates every application. For z-scores the standardised totals are
/// trimmed like raw ones when there are enough.
pub fn aggregate(totals: &Totals, method: Method) -> BTreeMap<String, Aggregate> {
    let source = if method == Method::ZScore {
        standardise(totals)
    } else {
        totals.clone()
    };
    source
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(app, scores)| {
            let values: Vec<f64> = scores.values().copied().collect();
            let raw: Vec<f64> = totals[app].values().copied().collect();
            let (value, fell_back) = match method {
                Method::TrimmedMean | Method::ZScore => trimmed_mean(&values).expect("non-empty"),
                Method::Mean => (mean(&values).expect("non-empty"), false),
                Method::Median => (median(&values).expect("non-empty"), false),
            };
            (
                app.clone(),
                Aggregate {
                    value,
                    reviews: values.len(),
                    // Under z-scores too: an untrimmed mean of fewer than
                    // 5 standardised totals is marked like a raw one.
                    fell_back,
                    range: range(&raw),
                    sd: sd(&raw),
                },
            )
        })
        .collect()
}

/// Whether an application's spread passes the call's thresholds: strictly
/// over either (a range of exactly 20 or an SD of exactly 8 is not flagged).
pub fn disputed(a: &Aggregate, max_range: f64, max_sd: f64) -> bool {
    a.range.is_some_and(|r| r > max_range) || a.sd.is_some_and(|s| s > max_sd)
}

/// Krippendorff's alpha with the interval metric. Units (applications) with
/// fewer than two values are not pairable and are left out, which is how
/// recusals and missing reviews are tolerated. None when undefined.
pub fn krippendorff_alpha(totals: &Totals) -> Option<f64> {
    // Σ over i≠j of (vi − vj)² = 2(m Σv² − (Σv)²)
    let pair_sum = |vals: &[f64]| {
        let m = vals.len() as f64;
        let s: f64 = vals.iter().sum();
        let s2: f64 = vals.iter().map(|v| v * v).sum();
        2.0 * (m * s2 - s * s)
    };
    let units: Vec<Vec<f64>> = totals
        .values()
        .map(|s| s.values().copied().collect::<Vec<f64>>())
        .filter(|v| v.len() >= 2)
        .collect();
    let n: usize = units.iter().map(Vec::len).sum();
    if n < 2 {
        return None;
    }
    let d_o: f64 = units
        .iter()
        .map(|u| pair_sum(u) / (u.len() - 1) as f64)
        .sum::<f64>()
        / n as f64;
    let all: Vec<f64> = units.iter().flatten().copied().collect();
    let d_e = pair_sum(&all) / (n * (n - 1)) as f64;
    if d_e <= 0.0 {
        return None;
    }
    Some(1.0 - d_o / d_e)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reliability {
    Reliable,
    Tentative,
    Unreliable,
}

impl Reliability {
    /// Krippendorff's bands: ≥ 0.8 reliable, 0.667–0.8 tentative.
    pub fn of_alpha(alpha: f64) -> Reliability {
        if alpha >= 0.8 {
            Reliability::Reliable
        } else if alpha >= 0.667 {
            Reliability::Tentative
        } else {
            Reliability::Unreliable
        }
    }

    pub fn label(self, lang: crate::base::i18n::Lang) -> &'static str {
        match self {
            Reliability::Reliable => lang.pick("可靠(α ≥ 0.8)", "reliable (α ≥ 0.8)"),
            Reliability::Tentative => {
                lang.pick("可暂用(0.667 ≤ α < 0.8)", "tentative (0.667 ≤ α < 0.8)")
            }
            Reliability::Unreliable => lang.pick("不可靠(α < 0.667)", "unreliable (α < 0.667)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn totals(rows: &[(&str, &[(&str, f64)])]) -> Totals {
        rows.iter()
            .map(|(a, s)| {
                (
                    a.to_string(),
                    s.iter().map(|(r, v)| (r.to_string(), *v)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn trimmed_mean_drops_one_high_and_one_low() {
        // (70+75+80+85+99 − 99 − 70) / 3 = 80
        assert_eq!(
            trimmed_mean(&[70.0, 75.0, 80.0, 85.0, 99.0]),
            Some((80.0, false))
        );
        // Ties at the extremes drop only one of each.
        assert_eq!(
            trimmed_mean(&[60.0, 60.0, 80.0, 90.0, 90.0]),
            Some(((60.0 + 80.0 + 90.0) / 3.0, false))
        );
        // Under five: the mean, and a flag that says so.
        assert_eq!(trimmed_mean(&[70.0, 80.0, 90.0, 100.0]), Some((85.0, true)));
        assert_eq!(trimmed_mean(&[]), None);
    }

    #[test]
    fn median_mean_sd_range() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0]), Some(2.5));
        // sample SD of 2,4,4,4,5,5,7,9 is sqrt(32/7)
        assert!(close(
            sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap(),
            (32.0f64 / 7.0).sqrt()
        ));
        assert_eq!(sd(&[5.0]), None);
        assert_eq!(range(&[60.0, 85.0, 70.0]), Some(25.0));
    }

    #[test]
    fn z_scores_remove_a_constant_harshness() {
        // Reviewer h gives everyone 10 points less than reviewer l: after
        // standardisation both agree exactly.
        let t = totals(&[
            ("a", &[("l", 90.0), ("h", 80.0)]),
            ("b", &[("l", 80.0), ("h", 70.0)]),
            ("c", &[("l", 70.0), ("h", 60.0)]),
        ]);
        let z = standardise(&t);
        for app in ["a", "b", "c"] {
            assert!(close(z[app]["l"], z[app]["h"]), "{app}: {:?}", z[app]);
        }
        // Pooled: 90 80 70 80 70 60 → mean 75, squared deviations
        // 225+25+25+25+25+225 = 550, SD = sqrt(550/5) = sqrt(110).
        // Reviewer l: mean 80, SD 10, so a (90) is +1 SD → 75 + sqrt(110).
        assert!(close(z["a"]["l"], 75.0 + 110f64.sqrt()));
        let stats = reviewer_stats(&t);
        let h = stats.iter().find(|s| s.reviewer == "h").unwrap();
        assert!(close(h.bias.unwrap(), -10.0));
        assert!(close(h.mean, 70.0));
    }

    #[test]
    fn krippendorff_alpha_hand_computed() {
        // Two raters, three units: (1,2) (3,4) (5,6) interval.
        // n = 6; D_o = (1/6)·Σ_u (2·1)/1 = (2+2+2)/6 = 1
        // all values 1..6: Σ_{i≠j}(vi−vj)² = 2(6·91 − 21²) = 2(546 − 441) = 210; D_e = 210/30 = 7
        // alpha = 1 − 1/7
        let t = totals(&[
            ("a", &[("x", 1.0), ("y", 2.0)]),
            ("b", &[("x", 3.0), ("y", 4.0)]),
            ("c", &[("x", 5.0), ("y", 6.0)]),
        ]);
        assert!(close(krippendorff_alpha(&t).unwrap(), 1.0 - 1.0 / 7.0));
        // Perfect agreement is 1; a unit with one value (a recusal) is left out.
        let t = totals(&[
            ("a", &[("x", 1.0), ("y", 1.0)]),
            ("b", &[("x", 3.0), ("y", 3.0)]),
            ("c", &[("x", 9.0)]),
        ]);
        assert!(close(krippendorff_alpha(&t).unwrap(), 1.0));
        assert_eq!(Reliability::of_alpha(0.7), Reliability::Tentative);
    }

    #[test]
    fn aggregate_falls_back_and_flags_disputes() {
        let t = totals(&[
            (
                "five",
                &[
                    ("a", 70.0),
                    ("b", 75.0),
                    ("c", 80.0),
                    ("d", 85.0),
                    ("e", 99.0),
                ],
            ),
            ("three", &[("a", 60.0), ("b", 85.0), ("c", 70.0)]),
        ]);
        let agg = aggregate(&t, Method::TrimmedMean);
        assert_eq!(agg["five"].value, 80.0);
        assert!(!agg["five"].fell_back);
        assert!(agg["three"].fell_back);
        assert!(close(agg["three"].value, 215.0 / 3.0));
        assert!(disputed(&agg["three"], 20.0, 8.0), "range 25 > 20");
        assert!(disputed(&agg["five"], 20.0, 8.0), "range 29 > 20");
        assert!(!disputed(&agg["five"], 30.0, 20.0));
        assert_eq!(aggregate(&t, Method::Median)["three"].value, 70.0);
        // z-scores are trimmed like raw totals, so they fall back alike.
        let z = aggregate(&t, Method::ZScore);
        assert!(z["three"].fell_back && !z["five"].fell_back);
        assert!(!aggregate(&t, Method::Mean)["three"].fell_back);
        assert!(!aggregate(&t, Method::Median)["three"].fell_back);
    }

    #[test]
    fn discussion_thresholds_are_strict() {
        let spread = |range: f64, sd: f64| Aggregate {
            value: 80.0,
            reviews: 5,
            fell_back: false,
            range: Some(range),
            sd: Some(sd),
        };
        assert!(
            !disputed(&spread(20.0, 7.9), 20.0, 8.0),
            "range = 20 is not over"
        );
        assert!(
            !disputed(&spread(16.0, 8.0), 20.0, 8.0),
            "SD = 8 is not over"
        );
        assert!(disputed(&spread(20.5, 7.0), 20.0, 8.0));
        assert!(disputed(&spread(19.0, 8.1), 20.0, 8.0));
    }
}
