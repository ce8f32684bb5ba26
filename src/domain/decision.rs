//! Decisions of a round, and decisions carried over from earlier programmes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Selected,
    Reserve,
    NotSelected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Selected => "selected",
            Outcome::Reserve => "reserve",
            Outcome::NotSelected => "not_selected",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim() {
            "selected" | "入选" => Some(Outcome::Selected),
            "reserve" | "备选" | "后备" => Some(Outcome::Reserve),
            "not_selected" | "rejected" | "未入选" => Some(Outcome::NotSelected),
            _ => None,
        }
    }
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Outcome::Selected => lang.pick("入选", "selected"),
            Outcome::Reserve => lang.pick("备选", "reserve"),
            Outcome::NotSelected => lang.pick("未入选", "not selected"),
        }
    }
}

/// A decision of one of jury's rounds, written when the round is finalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub round: String,
    pub application: String,
    pub outcome: Option<Outcome>,
    pub grade: Option<String>,
    pub rationale: String,
    pub decided_by: String,
    #[serde(with = "super::date")]
    pub decided_on: NaiveDate,
}

/// A decision from an earlier programme or round, kept as recorded so that
/// panelists can search how similar cases were treated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorDecision {
    pub id: String,
    pub programme: String,
    pub round: String,
    pub kind: super::RoundKind,
    pub year: i32,
    #[serde(with = "super::date")]
    pub decided_on: NaiveDate,
    pub applicant: String,
    pub tier: String,
    /// Prefecture id.
    pub prefecture: String,
    pub flags: Vec<String>,
    pub outcome: Option<Outcome>,
    pub grade: Option<String>,
    pub score: Option<f64>,
    pub rank: Option<i64>,
    pub rationale: String,
    pub decided_by: String,
}
