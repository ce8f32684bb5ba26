//! The review panel: members, their conflicts of interest and their
//! assignments to applications.

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
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
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

/// Whether `viewer` may read `author`'s review of an application. Nothing of
/// a recused application's reviews; one's own always; the secretary every
/// other; a reviewer others' only as the call's `reviews_visible` allows
/// (by default once their own review of it is submitted).
pub fn may_read_review(
    viewer: &Member,
    author: &str,
    viewer_recused: bool,
    own_submitted: bool,
    visible: super::ReviewsVisible,
) -> bool {
    use super::ReviewsVisible;
    if viewer_recused {
        return false;
    }
    if viewer.id == author || viewer.has_role(Role::Secretary) {
        return true;
    }
    match visible {
        ReviewsVisible::Never => false,
        ReviewsVisible::AfterOwnSubmission => own_submitted,
        ReviewsVisible::Always => true,
    }
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
        let after = ReviewsVisible::AfterOwnSubmission;
        // Own review: yes, unless recused.
        assert!(may_read_review(&reviewer, "m06", false, false, after));
        assert!(!may_read_review(&reviewer, "m06", true, true, after));
        // Others': only after submitting one's own, never under Never.
        assert!(!may_read_review(&reviewer, "m05", false, false, after));
        assert!(may_read_review(&reviewer, "m05", false, true, after));
        assert!(!may_read_review(
            &reviewer,
            "m05",
            false,
            true,
            ReviewsVisible::Never
        ));
        assert!(may_read_review(
            &reviewer,
            "m05",
            false,
            false,
            ReviewsVisible::Always
        ));
        // The secretary: every review, except of what they are recused from.
        assert!(may_read_review(&secretary, "m05", false, false, after));
        assert!(!may_read_review(
            &secretary,
            "m05",
            true,
            false,
            ReviewsVisible::Always
        ));
    }
}
