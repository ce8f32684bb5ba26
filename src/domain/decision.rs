//! Decisions of a round, and decisions carried over from earlier programmes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::outcome::Outcome;

/// A decision of one of jury's rounds, written when the round is finalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub round: String,
    pub application: String,
    pub outcome: Option<Outcome>,
    pub grade: Option<String>,
    /// The aggregate score of 100 the decision rests on, if any.
    #[serde(default)]
    pub score: Option<f64>,
    /// For a warning: the date by which to rectify.
    #[serde(default, with = "super::date::option")]
    pub due_on: Option<NaiveDate>,
    pub rationale: String,
    pub decided_by: String,
    #[serde(with = "super::date")]
    pub decided_on: NaiveDate,
    /// The facts behind the rationale, structured (None on decisions made
    /// before schema 7, which have the text alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<Facts>,
}

/// What a decision rests on besides its outcome, score and grade: kept
/// structured so that the rationale is rendered for each reader (a member
/// recused from an application ranked beside it, or named in it, is not
/// told its rank or fate: findings H3 and M1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub tier: String,
    /// The aggregation method the list was settled under (`z_score`
    /// figures rest on every total of the round).
    pub method: String,
    /// Rank within the tier (see `selection::Line::rank`).
    pub rank: Option<usize>,
    pub basis: Option<super::selection::Basis>,
    pub reasons: Vec<super::selection::Reason>,
}

impl Facts {
    /// The rationale as written: score, grade, rank, basis, then each
    /// reason, joined with the panel's ";" (`name` names the ids reasons
    /// carry: applications, 市州, regions).
    pub fn rationale(
        &self,
        score: Option<f64>,
        grade: Option<&str>,
        lang: crate::base::i18n::Lang,
        name: &dyn Fn(&str) -> String,
    ) -> String {
        let mut parts = Vec::new();
        if let Some(s) = score {
            parts.push(format!("{} {s:.2}", lang.pick("综合得分", "score")));
        }
        if let Some(g) = grade {
            parts.push(format!("{} {g}", lang.pick("考核等次", "grade")));
        }
        if let Some(rank) = self.rank {
            parts.push(match lang {
                crate::base::i18n::Lang::Zh => format!("层级内第 {rank} 名"),
                crate::base::i18n::Lang::En => format!("rank {rank} in the tier"),
            });
        }
        if let Some(b) = self.basis {
            parts.push(b.label(lang).to_string());
        }
        parts.extend(self.reasons.iter().map(|r| r.describe(lang, name)));
        parts.join(lang.pick(";", "; "))
    }
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

/// What finalising a round decides for one application, before the store
/// stamps who decided and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ruling {
    pub application: String,
    pub outcome: Outcome,
    pub grade: Option<String>,
    pub score: Option<f64>,
    pub due_on: Option<NaiveDate>,
    pub rationale: String,
    pub facts: Facts,
}
