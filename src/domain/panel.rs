//! The review panel: members, their conflicts of interest and their
//! assignments to applications.

use super::ReviewStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reviewer,
    Secretary,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Secretary => "secretary",
        }
    }
    pub fn label(self, lang: crate::base::i18n::Lang) -> &'static str {
        match self {
            Role::Reviewer => lang.pick("评审专家", "reviewer"),
            Role::Secretary => lang.pick("秘书", "secretary"),
        }
    }
}

/// A panel member. Every member may search; roles add reviewing and the
/// secretary's work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    pub department: String,
    /// Prefecture id; a member is conflicted on applications from there.
    #[serde(default)]
    pub home_prefecture: Option<String>,
    pub roles: Vec<Role>,
}

impl Member {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A declared conflict of interest (回避).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub member: String,
    pub application: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub round: String,
    pub member: String,
    pub application: String,
}

/// Why a member may not review an application, if they may not.
#[derive(Debug, Clone, PartialEq)]
pub enum Recusal {
    Declared(String),
    HomePrefecture(String),
}

/// Conflicts are declared, or derived: a member is conflicted on every
/// application from their home prefecture.
pub fn recusal(
    member: &Member,
    application_prefecture: &str,
    declared: Option<&Conflict>,
) -> Option<Recusal> {
    if let Some(c) = declared {
        return Some(Recusal::Declared(c.reason.clone()));
    }
    match &member.home_prefecture {
        Some(home) if home == application_prefecture => Some(Recusal::HomePrefecture(home.clone())),
        _ => None,
    }
}

/// Where a viewer stands to one application of a round, as far as reading
/// its reviews goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// Recused from it (declared, or its 市州 is the viewer's home).
    pub recused: bool,
    /// Assigned to review it in this round.
    pub reviews_it: bool,
    /// The viewer's own review of it is submitted.
    pub own_submitted: bool,
}

/// Whether `viewer` may read `author`'s review (in state `author_status`)
/// of an application, standing to it as `standing`.
///
/// - Nothing of an application one is recused from, whatever one's role.
/// - One's own review, always.
/// - Whoever reviews the application is bound by the blind rule, whatever
///   other role they hold (a reviewer who is also the secretary included):
///   others' reviews only as the call's `reviews_visible` allows, and then
///   only submitted ones (a draft is unfinished work).
/// - A secretary who does not review it reads every review, drafts
///   included, to follow the panel's progress.
/// - Anyone else (a reviewer not assigned to it) as `reviews_visible`
///   allows: under `always`, submitted reviews.
pub fn may_read_review(
    viewer: &Member,
    author: &str,
    author_status: ReviewStatus,
    standing: Standing,
    visible: super::ReviewsVisible,
) -> bool {
    use super::ReviewsVisible;
    if standing.recused {
        return false;
    }
    if viewer.id == author {
        return true;
    }
    if !standing.reviews_it && viewer.has_role(Role::Secretary) {
        return true;
    }
    let allowed = match visible {
        ReviewsVisible::Never => false,
        ReviewsVisible::AfterOwnSubmission => standing.reviews_it && standing.own_submitted,
        ReviewsVisible::Always => true,
    };
    allowed && author_status == ReviewStatus::Submitted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ReviewsVisible;

    fn member(id: &str, roles: &[Role]) -> Member {
        Member {
            id: id.into(),
            name: "某".into(),
            name_en: String::new(),
            department: "厅".into(),
            home_prefecture: None,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn who_reads_which_review() {
        let reviewer = member("m06", &[Role::Reviewer]);
        let secretary = member("m01", &[Role::Secretary]);
        let both = member("m07", &[Role::Reviewer, Role::Secretary]);
        let after = ReviewsVisible::AfterOwnSubmission;
        let sub = ReviewStatus::Submitted;
        let draft = ReviewStatus::Draft;
        let reviewing = |own_submitted| Standing {
            recused: false,
            reviews_it: true,
            own_submitted,
        };
        let recused = Standing {
            recused: true,
            ..Standing::default()
        };
        // Own review: yes, unless recused.
        assert!(may_read_review(
            &reviewer,
            "m06",
            draft,
            reviewing(false),
            after
        ));
        assert!(!may_read_review(&reviewer, "m06", sub, recused, after));
        // Others': only after submitting one's own, never under Never, and
        // never their drafts.
        assert!(!may_read_review(
            &reviewer,
            "m05",
            sub,
            reviewing(false),
            after
        ));
        assert!(may_read_review(
            &reviewer,
            "m05",
            sub,
            reviewing(true),
            after
        ));
        assert!(!may_read_review(
            &reviewer,
            "m05",
            draft,
            reviewing(true),
            after
        ));
        assert!(!may_read_review(
            &reviewer,
            "m05",
            sub,
            reviewing(true),
            ReviewsVisible::Never
        ));
        assert!(may_read_review(
            &reviewer,
            "m05",
            sub,
            reviewing(false),
            ReviewsVisible::Always
        ));
        // A reviewer not assigned to it: only under Always.
        assert!(!may_read_review(
            &reviewer,
            "m05",
            sub,
            Standing::default(),
            after
        ));
        // The secretary who does not review it: every review, drafts
        // included, except of what they are recused from.
        assert!(may_read_review(
            &secretary,
            "m05",
            draft,
            Standing::default(),
            after
        ));
        assert!(!may_read_review(
            &secretary,
            "m05",
            sub,
            recused,
            ReviewsVisible::Always
        ));
        // A member who reviews it and is also the secretary is bound as
        // its reviewer (finding M3).
        assert!(!may_read_review(&both, "m02", sub, reviewing(false), after));
        assert!(may_read_review(&both, "m02", sub, reviewing(true), after));
        assert!(!may_read_review(
            &both,
            "m02",
            draft,
            reviewing(true),
            after
        ));
        assert!(may_read_review(
            &both,
            "m02",
            draft,
            Standing::default(),
            after
        ));
    }
}
