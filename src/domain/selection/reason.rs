//! Why a line of the list stands where it does: every departure from
//! pure rank order (统筹调整), each named with the rule that forced it, in
//! both languages; and what of it a reader who may not see an application
//! is told.

use super::super::eligibility::CheckKind;
use crate::base::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Reason {
    /// Failed these eligibility checks (none recorded in decisions stored
    /// before the checks were named).
    Ineligible {
        #[serde(default)]
        failed: Vec<CheckKind>,
    },
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
    /// Equal score and sub-scores with these applicants: the panel votes.
    Tie {
        with: Vec<String>,
    },
    /// Equal score with `with`, the order settled by the first tie-break
    /// sub-score (`criterion`, a criterion id) on which they differ: this
    /// line's mean sub-score `own` against the other's `other`. Kept as ids
    /// and numbers so that it renders per viewer and language.
    TieBroken {
        with: String,
        criterion: String,
        own: f64,
        other: f64,
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
            // The other's sub-score is in it, as well as its name.
            Reason::TieBroken { with, .. } => vec![with.as_str()],
            Reason::Replaces { exited } => vec![exited.as_str()],
            Reason::ReserveSkipped { app, .. } => vec![app.as_str()],
            Reason::Ineligible { .. }
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
            Reason::Ineligible { failed } => {
                let checks: Vec<&str> = failed.iter().map(|c| c.label(lang)).collect();
                if checks.is_empty() {
                    lang.pick("资格审查不合格", "ineligible").into()
                } else {
                    format!(
                        "{}{}",
                        lang.pick("资格审查不合格:", "ineligible: failed "),
                        checks.join(lang.pick("、", ", "))
                    )
                }
            }
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
            Reason::TieBroken {
                with,
                criterion,
                own,
                other,
            } => match lang {
                Lang::Zh => format!(
                    "与{}同分,以「{}」分项 {own:.2} 对 {other:.2} 排定",
                    name(with),
                    name(criterion)
                ),
                Lang::En => format!(
                    "tied with {}, settled by the {} sub-score {own:.2} vs {other:.2}",
                    name(with),
                    name(criterion)
                ),
            },
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
