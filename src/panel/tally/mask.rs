//! What one member may see of a matrix and its lists.

use super::list::TierList;
use super::matrix::{Cell, Matrix, rank_within_tiers};
use crate::domain::aggregate::{self, Method, Totals};
use crate::domain::selection::{self};
use crate::domain::*;
use std::collections::BTreeMap;

/// Shapes a matrix and its lists, settled on the full data, to what one
/// member may see (`sight`). Every figure left is computed from what the
/// member may read, so that none can be solved for a hidden one:
///
/// - a cell the viewer may not read is masked (who is recused is not review
///   content, and stays);
/// - a hidden application (recused from it, or reviewing it and not yet
///   allowed to read the others) keeps its outcome and nothing else: no
///   aggregate, rank, sub-score, grade, dispute flag, investment completion
///   (for the recused: `invest_done` is itself a criterion) or reason; its
///   lines move to the end of their tier;
/// - a tier holding a hidden application shows no ranks at all (1, 2, 4:
///   the hidden one is third);
/// - a visible line keeps no reason that names a hidden application
///   ("递补汨罗市退出后的名额", "同分并列:宁乡县");
/// - reviewers' statistics, α and z-scores are worked out again from the
///   readable cells alone: a z-score standardises by every total of a
///   reviewer, so the full ones carry the hidden totals (finding H2). The
///   list's z-score figures (the settled ones, which rest on every total)
///   are withheld from such a viewer.
pub fn mask(m: &mut Matrix, lists: &mut [TierList], sight: &crate::panel::sight::Sight) {
    // Any application: reasons name ones that are neither rows nor lines
    // (a reserve passed over in an assessment round).
    let is_hidden = |app: &str| sight.hidden(app);
    let mut partial = m.rows.iter().any(|r| is_hidden(&r.app))
        || lists.iter().flat_map(|l| &l.lines).any(|l| {
            is_hidden(&l.app)
                || l.reasons
                    .iter()
                    .any(|r| r.names_applications().iter().any(|a| is_hidden(a)))
        });
    for row in m.rows.iter_mut() {
        for (cell, reviewer) in row.cells.iter_mut().zip(&m.reviewers) {
            let status = match cell {
                Cell::NotAssigned | Cell::Recused | Cell::Masked => continue,
                Cell::Missing | Cell::Draft(_) => ReviewStatus::Draft,
                Cell::Submitted(_) => ReviewStatus::Submitted,
            };
            if !sight.may_read(&row.app, &reviewer.id, status) {
                partial |= matches!(cell, Cell::Submitted(_));
                *cell = Cell::Masked;
            }
        }
        if is_hidden(&row.app) {
            row.aggregate = None;
            row.rank = None;
            row.adjusted_rank = None;
            row.disputed = false;
            row.sub_scores.clear();
            row.revisits.clear();
            if sight.recused(&row.app) {
                row.completion = None;
            }
        }
    }
    if !partial {
        return;
    }
    let tiers: std::collections::BTreeSet<String> = m
        .rows
        .iter()
        .filter(|r| is_hidden(&r.app))
        .map(|r| r.tier.clone())
        .chain(
            lists
                .iter()
                .filter(|l| l.lines.iter().any(|x| is_hidden(&x.app)))
                .map(|l| l.tier.clone()),
        )
        .collect();
    let mut visible: Totals = BTreeMap::new();
    for row in &m.rows {
        for (cell, reviewer) in row.cells.iter().zip(&m.reviewers) {
            if let Cell::Submitted(v) = cell {
                visible
                    .entry(row.app.clone())
                    .or_default()
                    .insert(reviewer.id.clone(), *v);
            }
        }
    }
    m.reviewer_stats = aggregate::reviewer_stats(&visible);
    m.alpha = aggregate::krippendorff_alpha(&visible);
    // Standardised over what the viewer reads; only rows wholly visible
    // carry one (a hidden row's own cell is the viewer's, not the panel's).
    let z = aggregate::aggregate(&visible, Method::ZScore);
    for row in m.rows.iter_mut().filter(|r| !is_hidden(&r.app)) {
        if m.method == Method::ZScore {
            row.aggregate = z.get(&row.app).cloned();
        }
    }
    let adjusted = rank_within_tiers(m.round.kind, &m.tie_break, &m.rows, |r| {
        (!is_hidden(&r.app))
            .then(|| z.get(&r.app).map(|a| a.value))
            .flatten()
    });
    let ranks = rank_within_tiers(m.round.kind, &m.tie_break, &m.rows, |r| {
        r.aggregate.as_ref().map(|a| a.value)
    });
    for (row, (rank, adj)) in m.rows.iter_mut().zip(ranks.into_iter().zip(adjusted)) {
        let blank = tiers.contains(&row.tier);
        row.rank = rank.filter(|_| !blank);
        row.adjusted_rank = adj.filter(|_| !blank);
    }
    // A reader who reviews an application of a tier blind would read in
    // the tier's proposal what the others scored it (its outcome, and the
    // outcomes it moves): the whole tier waits for their submission.
    let blind_tiers: std::collections::BTreeSet<String> = m
        .rows
        .iter()
        .filter(|r| is_hidden(&r.app) && !sight.recused(&r.app))
        .map(|r| r.tier.clone())
        .collect();
    for list in lists.iter_mut() {
        if blind_tiers.contains(&list.tier) {
            list.lines.clear();
            list.withheld = true;
            continue;
        }
        let blank = tiers.contains(&list.tier);
        for line in list.lines.iter_mut() {
            if blank {
                line.rank = None;
            }
            if m.method == Method::ZScore {
                line.score = None;
            }
            if is_hidden(&line.app) {
                line.score = None;
                line.rank = None;
                line.reasons.clear();
                line.tie = false;
                // A grade band is a score range: hidden too (a deadline is not).
                line.grade = None;
                continue;
            }
            if selection::strip_hidden(&mut line.reasons, &is_hidden) {
                // Tied with whom would tell a hidden score.
                line.tie = false;
            }
        }
        if list.withheld {
            continue;
        }
        if m.method == Method::ZScore {
            // Settled on z-scores, the order itself rests on every total:
            // by outcome, then by id, tells nothing more than the outcomes.
            list.lines
                .sort_by(|a, b| (a.outcome as u8, &a.app).cmp(&(b.outcome as u8, &b.app)));
        }
        // Stable: the visible lines keep their order.
        list.lines.sort_by_key(|l| is_hidden(&l.app));
    }
}
