//! What one member may see of a round: the single answer every screen,
//! command, export, print and import asks, so that no two paths can
//! disagree about it. The rule itself is pure
//! (`domain::panel::may_read_review`); this gathers the facts it needs
//! from the store once per round.

use crate::domain::panel::{self, Standing};
use crate::domain::*;
use crate::store::{Result, Store, StoreError};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct Sight {
    /// None: the operator of an unlocked panel, who sees everything.
    viewer: Option<Member>,
    visible: ReviewsVisible,
    /// Applications of the call the viewer is recused from.
    recused: BTreeSet<String>,
    /// Applications the viewer reviews in this round.
    reviews: BTreeSet<String>,
    /// ... and of those, the ones whose review is submitted.
    submitted: BTreeSet<String>,
}

impl Sight {
    /// Everything: the operator of an unlocked panel.
    pub fn everything() -> Sight {
        Sight {
            viewer: None,
            visible: ReviewsVisible::Always,
            recused: BTreeSet::new(),
            reviews: BTreeSet::new(),
            submitted: BTreeSet::new(),
        }
    }

    /// What `viewer` (None: the operator) may see of `round`.
    pub fn of(store: &Store, viewer: Option<&Member>, round: &str) -> Result<Sight> {
        let Some(member) = viewer else {
            return Ok(Sight::everything());
        };
        let round = store
            .round(round)?
            .ok_or_else(|| StoreError::Refused(format!("no round {round:?}")))?;
        let call = store
            .call(&round.call)?
            .ok_or_else(|| StoreError::Corrupt(format!("round {} has no call", round.id)))?;
        let mut recused = BTreeSet::new();
        for app in store.applications(&call.info.id)? {
            if store.recusal(member, &app)?.is_some() {
                recused.insert(app.id);
            }
        }
        let reviews = store
            .assignments(&round.id)?
            .into_iter()
            .filter(|a| a.member == member.id)
            .map(|a| a.application)
            .collect();
        let submitted = store
            .reviews(&round.id)?
            .into_iter()
            .filter(|r| r.member == member.id && r.status == ReviewStatus::Submitted)
            .map(|r| r.application)
            .collect();
        Ok(Sight {
            viewer: Some(member.clone()),
            visible: call.info.reviews_visible,
            recused,
            reviews,
            submitted,
        })
    }

    pub fn viewer(&self) -> Option<&Member> {
        self.viewer.as_ref()
    }

    fn standing(&self, app: &str) -> Standing {
        Standing {
            recused: self.recused.contains(app),
            reviews_it: self.reviews.contains(app),
            own_submitted: self.submitted.contains(app),
        }
    }

    /// Whether the viewer is recused from `app`.
    pub fn recused(&self, app: &str) -> bool {
        self.recused.contains(app)
    }

    /// Whether the viewer may read `author`'s review of `app`.
    pub fn may_read(&self, app: &str, author: &str, status: ReviewStatus) -> bool {
        match &self.viewer {
            None => true,
            Some(m) => panel::may_read_review(m, author, status, self.standing(app), self.visible),
        }
    }

    /// Whether the panel's figures for `app` (others' reviews, the
    /// aggregate, its rank, its reasons, discussion notes) are hidden from
    /// the viewer: recused from it, or reviewing it and not yet allowed to
    /// read the others' reviews.
    pub fn hidden(&self, app: &str) -> bool {
        let Some(m) = &self.viewer else {
            return false;
        };
        // A submitted review by somebody else stands for "the others".
        let standing = self.standing(app);
        standing.recused
            || (standing.reviews_it
                && !panel::may_read_review(
                    m,
                    "",
                    ReviewStatus::Submitted,
                    standing,
                    self.visible,
                ))
    }

    /// Of `apps`, those hidden from the viewer.
    pub fn hidden_of<'a>(&self, apps: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        apps.into_iter()
            .filter(|a| self.hidden(a))
            .map(str::to_string)
            .collect()
    }
}
