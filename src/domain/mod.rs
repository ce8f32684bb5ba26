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
pub mod outcome;
pub mod panel;
pub mod review;
pub mod search_keys;
pub mod selection;

pub use application::{Application, LeadingGroup, Project, Route};
pub use call::{
    Call, CallInfo, Criterion, Eligibility as EligibilityRules, FlagDef, GradeBand, IndicatorDef,
    Management, Prefecture, Region, ReviewsVisible, Round, RoundKind, RoundState, Rubric, Section,
    Tier,
};
pub use decision::{Decision, Facts, PriorDecision, Ruling};
pub use eligibility::{Check, CheckKind, EligibilityResult, Verdict, assess};
pub use outcome::Outcome;
pub use panel::{Assignment, Conflict, Member, Role};
pub use review::{Review, ReviewSheet, ReviewStatus, Score};

/// `shown(lang)` for what the call names in both languages (a round,
/// tier, criterion, member…): the name in `lang` (the Chinese one where no
/// English was given), cleaned of anything a terminal would run.
macro_rules! shown_in_both_languages {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn shown(&self, lang: crate::base::i18n::Lang) -> String {
                let name = crate::base::i18n::name_in(lang, &self.name, &self.name_en);
                crate::base::text::sanitize(name)
            }
        }
    )*};
}
shown_in_both_languages!(Round, Tier, Criterion, Member, Application);
