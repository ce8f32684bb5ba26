//! Checking a database against its audit chain, as one reader may be told
//! of it: the store's own check, plus heads kept elsewhere (anchors on
//! exported paper), with the values of rows the reader may not see left
//! out.

use crate::base::i18n::say;
use crate::domain::Member;
use crate::panel::sight::Sight;
use crate::store::{Store, VerifyProblem, VerifyReport};
use std::collections::{BTreeMap, BTreeSet};

/// How much of a failed check a reader is shown.
pub enum Detail {
    /// Everything (the operator of an unlocked panel).
    Full,
    /// Every problem, but no values of rows on these applications (hidden
    /// from the reader: recused, or reviewed blind; finding L1).
    Masked(BTreeSet<String>),
    /// How many problems of each kind, no row named (no `--as` on a
    /// locked panel).
    Counts,
}

impl Detail {
    /// What `viewer` (`None`: the operator) is shown: the applications
    /// hidden from them in any round are masked.
    pub fn for_viewer(store: &Store, viewer: Option<&Member>) -> crate::store::Result<Detail> {
        let Some(m) = viewer else {
            return Ok(Detail::Full);
        };
        let mut hidden = BTreeSet::new();
        for round in store.rounds()? {
            let sight = Sight::of(store, Some(m), &round.id)?;
            let apps = store.application_prefectures(&round.call)?;
            hidden.extend(sight.hidden_of(apps.iter().map(|(id, _)| id.as_str())));
        }
        Ok(Detail::Masked(hidden))
    }
}

/// The outcome of a check.
pub struct Checked {
    pub report: VerifyReport,
    /// The problems as the reader is shown them (none under
    /// [`Detail::Counts`]).
    pub problems: Vec<VerifyProblem>,
    /// How many problems of each kind (all of them, whatever the detail).
    pub counts: BTreeMap<&'static str, usize>,
    /// Anchors given that were found in the chain.
    pub anchors_ok: usize,
}

impl Checked {
    pub fn ok(&self) -> bool {
        self.report.problems.is_empty()
    }
}

/// Verifies the store; each of `anchors` (a head kept elsewhere) must
/// still be in the chain: if the history before it was rewritten, its
/// hash is gone.
pub fn check(store: &Store, anchors: &[String], detail: &Detail) -> crate::store::Result<Checked> {
    let mut report = store.verify()?;
    let chain: BTreeSet<String> = if anchors.is_empty() {
        Default::default()
    } else {
        store.audit_hashes()?
    };
    let mut anchors_ok = 0;
    for a in anchors {
        let a = a.trim().to_ascii_lowercase();
        if chain.contains(&a) {
            anchors_ok += 1;
        } else {
            report.problems.push(VerifyProblem::anchor(say(
                format!("{a} 不在本数据库的审计链中:此后历史被改写,或它属于另一个评审组"),
                format!(
                    "{a} is not in this database's audit chain: the history was rewritten since, or it is another panel's"
                ),
            )));
        }
    }
    let problems: Vec<VerifyProblem> = match detail {
        Detail::Full => report.problems.clone(),
        Detail::Masked(apps) => report
            .problems
            .iter()
            .cloned()
            .map(|p| {
                if p.concerns(&|a| apps.contains(a)) {
                    p.without_values()
                } else {
                    p
                }
            })
            .collect(),
        Detail::Counts => Vec::new(),
    };
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for p in &report.problems {
        *counts.entry(p.kind).or_default() += 1;
    }
    Ok(Checked {
        report,
        problems,
        counts,
        anchors_ok,
    })
}
