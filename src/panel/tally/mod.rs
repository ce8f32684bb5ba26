//! The secretary's view of a round, built from the store with the pure
//! maths in `domain`: the panel matrix (applications × reviewers), the
//! aggregates and ranks under each method, calibration and reliability, and
//! the proposed list per tier under the call's balance rules (in an
//! assessment round, under `domain::management` over the pilots' history
//! that `pilots` reads).
//!
//! Both faces read a round through [`seen`] (or [`seen_matrix`]): built on
//! the full data, then masked to what the member may see, so the command
//! line and the interface cannot disagree about it.

mod list;
mod mask;
mod matrix;

pub use list::{TierList, finalise, finalise_on, propose, settle};
pub use mask::mask;
pub use matrix::{AppInfo, Cell, Matrix, Row, matrix, tie_scores};

use crate::domain::aggregate::Method;
use crate::domain::{Call, Member, RoundState};
use crate::panel::sight::Sight;
use crate::store::{Result, Store};

/// The round a secretary works on: the latest not yet finalised, else the latest.
pub fn default_round(store: &Store) -> Result<Option<String>> {
    let rounds = store.rounds()?;
    Ok(rounds
        .iter()
        .rev()
        .find(|r| r.state != RoundState::Finalised)
        .or(rounds.last())
        .map(|r| r.id.clone()))
}

/// The round given, else the one the secretary works on; refused (in the
/// process's language) while there is no round at all.
pub fn round_or_default(store: &Store, round: Option<String>) -> anyhow::Result<String> {
    if let Some(r) = round {
        return Ok(r);
    }
    default_round(store)?.ok_or_else(|| {
        anyhow::anyhow!(crate::base::i18n::say(
            "没有轮次:请先导入通知",
            "no rounds: import a call first",
        ))
    })
}

/// A round as one member (`None`: the operator) may see it.
pub struct Seen {
    pub call: Call,
    pub matrix: Matrix,
    /// The list as it stands, settled on the full data, then masked.
    pub lists: Vec<TierList>,
    pub sight: Sight,
}

/// The matrix and the settled list of a round, masked for `viewer`.
pub fn seen(store: &Store, viewer: Option<&Member>, round: &str, method: Method) -> Result<Seen> {
    let (call, mut matrix) = matrix(store, round, method)?;
    let mut lists = settle(store, &call, &matrix)?;
    let sight = Sight::of(store, viewer, &matrix.round.id)?;
    mask(&mut matrix, &mut lists, &sight);
    Ok(Seen {
        call,
        matrix,
        lists,
        sight,
    })
}

/// The matrix alone, masked for `viewer` (no list is settled: what a
/// list's reasons name does not bear on it).
pub fn seen_matrix(
    store: &Store,
    viewer: Option<&Member>,
    round: &str,
    method: Method,
) -> Result<(Call, Matrix)> {
    let (call, mut m) = matrix(store, round, method)?;
    let sight = Sight::of(store, viewer, &m.round.id)?;
    mask(&mut m, &mut [], &sight);
    Ok((call, m))
}
