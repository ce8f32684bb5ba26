//! What one member may see of a round: the single answer every screen,
//! command, export, print and import asks, so that no two paths can
//! disagree about it. The rule itself is pure
//! (`domain::panel::may_read_review`); this gathers the facts it needs
//! from the store once per round.

use crate::domain::panel::{self, Standing};
use crate::domain::*;
use crate::store::{Result, Store, StoreError};
use std::collections::{BTreeSet, HashSet};

/// (Hash sets: a matrix asks about every cell, and ids of one call share
/// long prefixes that make ordered comparisons slow.)
#[derive(Debug, Clone)]
pub struct Sight {
    /// None: the operator of an unlocked panel, who sees everything.
    viewer: Option<Member>,
    visible: ReviewsVisible,
    /// Applications of the call the viewer is recused from.
    recused: HashSet<String>,
    /// Applications the viewer reviews in this round.
    reviews: HashSet<String>,
    /// ... and of those, the ones whose review is submitted.
    submitted: HashSet<String>,
}

impl Sight {
    /// Everything: the operator of an unlocked panel.
    pub fn everything() -> Sight {
        Sight {
            viewer: None,
            visible: ReviewsVisible::Always,
            recused: HashSet::new(),
            reviews: HashSet::new(),
            submitted: HashSet::new(),
        }
    }

    /// What `viewer` (None: the operator) may see of `round`.
    pub fn of(store: &Store, viewer: Option<&Member>, round: &str) -> Result<Sight> {
        let Some(member) = viewer else {
            return Ok(Sight::everything());
        };
        let round = store.round(round)?.ok_or_else(|| {
            StoreError::Refused(crate::base::i18n::say(
                format!("找不到轮次 {round:?}"),
                format!("no round {round:?}"),
            ))
        })?;
        let call = store
            .call(&round.call)?
            .ok_or_else(|| StoreError::Corrupt(format!("round {} has no call", round.id)))?;
        // The member's declared conflicts, read once; and of each
        // application only where it is from.
        let declared = store.conflicts_of(&member.id)?;
        let recused = store
            .application_prefectures(&call.info.id)?
            .into_iter()
            .filter(|(app, prefecture)| {
                crate::domain::panel::recusal(member, prefecture, declared.get(app)).is_some()
            })
            .map(|(app, _)| app)
            .collect();
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
                && !panel::may_read_review(m, "", ReviewStatus::Submitted, standing, self.visible))
    }

    /// Of `apps`, those hidden from the viewer.
    pub fn hidden_of<'a>(&self, apps: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        apps.into_iter()
            .filter(|a| self.hidden(a))
            .map(str::to_string)
            .collect()
    }
}

/// A decision as one reader may read it.
#[derive(Debug, Clone)]
pub struct ReadDecision {
    pub decision: Decision,
    /// The reader may not read this application's figures: the decision
    /// keeps its outcome (and deadline) only.
    pub hidden: bool,
    /// The rank within the tier, unless the tier holds a hidden application.
    pub rank: Option<usize>,
}

impl Sight {
    /// The decisions of a finalised round as the viewer may read them,
    /// their rationales rendered in `lang` from what is left (findings H3
    /// and M1):
    /// - on an application hidden from them: the outcome and deadline only;
    /// - no rank in a tier that holds a hidden application (the gap would
    ///   place it), no reason naming a hidden application, and, when the
    ///   round was settled under z-scores (which rest on every total of the
    ///   round, hidden ones included), no score.
    ///
    /// Whether a hidden decision is listed at all is the caller's choice.
    /// Decisions made before schema 7 have a text alone: its rank and the
    /// parts naming a hidden application are cut from it.
    pub fn decisions(
        &self,
        store: &Store,
        round: &Round,
        lang: crate::base::i18n::Lang,
    ) -> Result<Vec<ReadDecision>> {
        let call = store
            .call(&round.call)?
            .ok_or_else(|| StoreError::Corrupt(format!("round {} has no call", round.id)))?;
        let apps: std::collections::BTreeMap<String, crate::store::AppFacts> = store
            .app_facts(&call.info.id)?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let decisions = store.decisions(&round.id)?;
        let hidden = self.hidden_of(decisions.iter().map(|d| d.application.as_str()));
        let tier_of = |d: &Decision| {
            d.facts
                .as_ref()
                .map(|f| f.tier.clone())
                .or_else(|| apps.get(&d.application).map(|a| a.tier.clone()))
                .unwrap_or_default()
        };
        let hidden_tiers: BTreeSet<String> = decisions
            .iter()
            .filter(|d| hidden.contains(&d.application))
            .map(tier_of)
            .collect();
        let name = |id: &str| {
            call.name_of(id, lang).unwrap_or_else(|| {
                apps.get(id)
                    .map(|a| a.shown(lang))
                    .unwrap_or_else(|| id.to_string())
            })
        };
        let is_hidden = |id: &str| hidden.contains(id);
        let partial = !hidden.is_empty();
        let mut out = Vec::new();
        for mut d in decisions {
            let app_hidden = hidden.contains(&d.application);
            let tier_hidden = hidden_tiers.contains(&tier_of(&d));
            if app_hidden {
                d.score = None;
                d.grade = None;
                d.rationale = String::new();
                d.facts = None;
                out.push(ReadDecision {
                    decision: d,
                    hidden: true,
                    rank: None,
                });
                continue;
            }
            let rank = match &mut d.facts {
                Some(f) => {
                    if tier_hidden {
                        f.rank = None;
                    }
                    crate::domain::selection::strip_hidden(&mut f.reasons, &is_hidden);
                    if partial && f.method == "z_score" {
                        d.score = None;
                    }
                    // The grade as the reader's language names it (the
                    // decision keeps the band's Chinese name).
                    let grade = d
                        .grade
                        .as_deref()
                        .map(|g| call.grade_name(&round.rubric, g, lang));
                    d.rationale = f.rationale(d.score, grade.as_deref(), lang, &name);
                    f.rank
                }
                None if partial => {
                    // Before schema 7: cut what the text gives away.
                    let names: Vec<String> = hidden
                        .iter()
                        .filter_map(|a| apps.get(a))
                        .flat_map(|a| [a.name.clone(), a.name_en.clone()])
                        .filter(|n| !n.is_empty())
                        .collect();
                    d.rationale = d
                        .rationale
                        .split(';')
                        .filter(|part| !(tier_hidden && part.contains("层级内第")))
                        .filter(|part| !names.iter().any(|n| part.contains(n.as_str())))
                        .collect::<Vec<_>>()
                        .join(";");
                    None
                }
                None => None,
            };
            out.push(ReadDecision {
                decision: d,
                hidden: false,
                rank,
            });
        }
        Ok(out)
    }
}

impl Sight {
    /// The discussion marks and notes of a round the viewer may read: none
    /// of an application hidden from them (a note discusses the scores, and
    /// even the mark says it was talked about: finding M2).
    pub fn deliberations(
        &self,
        store: &Store,
        round: &str,
    ) -> Result<std::collections::BTreeMap<String, (bool, String)>> {
        let mut all = store.deliberations(round)?;
        all.retain(|app, _| !self.hidden(app));
        Ok(all)
    }
}
