//! Pure domain: the call as data, applications, the panel, scores and
//! decisions, and the rules computed over them (eligibility, totals).
//! No I/O lives here; the store and the importers build these values.

pub mod aggregate;
pub mod application;
pub mod call;
pub mod date;
pub mod decision;
pub mod eligibility;
pub mod management;
pub mod panel;
pub mod review;
pub mod selection;

pub use application::{Application, LeadingGroup, Project, Route};
pub use call::{
    Call, CallInfo, Criterion, Eligibility as EligibilityRules, FlagDef, GradeBand, IndicatorDef,
    Management, Prefecture, Region, ReviewsVisible, Round, RoundKind, RoundState, Rubric, Section,
    Tier,
};
pub use decision::{Decision, Facts, Outcome, PriorDecision, Ruling};
pub use eligibility::{Check, CheckKind, EligibilityResult, Verdict, assess};
pub use panel::{Assignment, Conflict, Member, Role};
pub use review::{Review, ReviewSheet, ReviewStatus, Score};
