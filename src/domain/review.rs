//! Scores: member × application × criterion → value and comment, grouped in
//! a review that is a draft until submitted.

use super::call::Rubric;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Draft,
    Submitted,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Draft => "draft",
            ReviewStatus::Submitted => "submitted",
        }
    }
    /// As a reader sees it, in their language.
    pub fn label(self, lang: crate::base::i18n::Lang) -> &'static str {
        match self {
            ReviewStatus::Draft => lang.pick("草稿", "draft"),
            ReviewStatus::Submitted => lang.pick("已提交", "submitted"),
        }
    }
    pub fn parse(s: &str) -> Option<ReviewStatus> {
        match s.trim() {
            "draft" | "草稿" => Some(ReviewStatus::Draft),
            "submitted" | "已提交" => Some(ReviewStatus::Submitted),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub criterion: String,
    pub value: Option<f64>,
    pub comment: String,
}

/// One member's review of one application in one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub round: String,
    pub member: String,
    pub application: String,
    pub status: ReviewStatus,
    pub overall_comment: String,
    pub scores: Vec<Score>,
    /// A secretary who entered (part of) it from a paper sheet on the
    /// member's behalf; None when only the member wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
}

impl Review {
    pub fn values(&self) -> BTreeMap<&str, f64> {
        self.scores
            .iter()
            .filter_map(|s| s.value.map(|v| (s.criterion.as_str(), v)))
            .collect()
    }
}

/// A review as a score sheet gives it. What the sheet leaves out keeps its
/// stored value: no status column keeps the status, no overall-comment row
/// keeps the overall comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewSheet {
    pub round: String,
    pub member: String,
    pub application: String,
    pub status: Option<ReviewStatus>,
    pub overall_comment: Option<String>,
    pub scores: Vec<Score>,
}

/// The weighted total of the given values, and that total rescaled to 100.
/// Blank criteria count as zero; `complete` says whether any was blank.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Total {
    pub points: f64,
    pub of_100: f64,
    pub complete: bool,
}

pub fn total(rubric: &Rubric, tier: &str, values: &BTreeMap<&str, f64>) -> Total {
    let mut points = 0.0;
    let mut complete = true;
    for c in rubric.criteria_for(tier) {
        match values.get(c.id.as_str()) {
            Some(v) => points += v * c.weight,
            None => complete = false,
        }
    }
    let full = rubric.full_marks(tier);
    let of_100 = if full > 0.0 {
        points / full * 100.0
    } else {
        0.0
    };
    Total {
        points,
        of_100,
        complete,
    }
}

/// Checks a value against its criterion's range. The message is in the
/// process's language (`i18n::say`: the store refuses with it as it is).
pub fn check_value(max: f64, value: f64) -> Result<(), String> {
    use crate::base::i18n::say;
    if !value.is_finite() {
        return Err(say(
            format!("应为 0 至 {max} 的数"),
            format!("expected a number from 0 to {max}"),
        ));
    }
    if !(0.0..=max).contains(&value) {
        return Err(say(
            format!("应为 0 至 {max} 的数,实际为 {value}"),
            format!("expected a number from 0 to {max}, found {value}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::call::Criterion;

    fn crit(id: &str, max: f64, weight: f64, tiers: &[&str]) -> Criterion {
        Criterion {
            id: id.into(),
            tiers: tiers.iter().map(|s| s.to_string()).collect(),
            name: id.into(),
            name_en: String::new(),
            max,
            weight,
            section: String::new(),
            low: String::new(),
            mid: String::new(),
            full: String::new(),
        }
    }

    #[test]
    fn weighted_total_rescales_to_100() {
        let rubric = Rubric {
            id: "r".into(),
            name: "r".into(),
            name_en: String::new(),
            criteria: vec![
                crit("a", 10.0, 3.0, &[]),
                crit("b", 10.0, 1.0, &[]),
                crit("c", 50.0, 1.0, &["town"]),
            ],
            grades: vec![],
            tie_break: vec![],
        };
        let values = BTreeMap::from([("a", 8.0), ("b", 5.0)]);
        let t = total(&rubric, "county", &values);
        assert_eq!(t.points, 29.0);
        assert!((t.of_100 - 72.5).abs() < 1e-9);
        assert!(t.complete);
        let t = total(&rubric, "town", &values);
        assert!(!t.complete);
        assert!((t.of_100 - 29.0 / 90.0 * 100.0).abs() < 1e-9);
    }

    #[test]
    fn range_is_checked() {
        assert!(check_value(25.0, 25.0).is_ok());
        assert!(check_value(25.0, 0.0).is_ok());
        assert!(check_value(25.0, 25.5).is_err());
        assert!(check_value(25.0, -1.0).is_err());
        assert!(check_value(25.0, f64::NAN).is_err());
    }
}
