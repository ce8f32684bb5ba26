//! The secretary's screens: the panel matrix and the list. Pure state; the
//! runtime loads the matrix (`tally`) and performs overrides, the round's
//! advance and finalising, and exports.

use crate::domain::aggregate::Method;
use crate::domain::{Call, Outcome, Review};
use crate::panel::tally::{Matrix, TierList};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixSort {
    Aggregate,
    Spread,
    Tier,
    Prefecture,
}

impl MatrixSort {
    const ORDER: [MatrixSort; 4] = [
        MatrixSort::Aggregate,
        MatrixSort::Spread,
        MatrixSort::Tier,
        MatrixSort::Prefecture,
    ];
    pub fn label(self, lang: crate::base::i18n::Lang) -> &'static str {
        match self {
            MatrixSort::Aggregate => lang.pick("综合得分", "aggregate"),
            MatrixSort::Spread => lang.pick("分歧", "spread"),
            MatrixSort::Tier => lang.pick("层级", "tier"),
            MatrixSort::Prefecture => lang.pick("市州", "prefecture"),
        }
    }
    pub fn next(self) -> MatrixSort {
        let i = Self::ORDER.iter().position(|s| *s == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }
}

/// One application's reviews, shown on demand (never for an application
/// the secretary is recused from).
#[derive(Debug, Clone)]
pub struct Drill {
    pub app: String,
    pub reviews: Vec<(String, Review)>,
}

pub struct Secretary {
    pub call: Call,
    pub matrix: Matrix,
    pub lists: Vec<TierList>,
    pub method: Method,
    pub sort: MatrixSort,
    /// Matrix rows in display order (indexes into `matrix.rows`).
    pub order: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    /// Position in the flattened list (all tiers' lines, in order).
    pub list_selected: usize,
    pub list_offset: usize,
    pub page: usize,
    pub drill: Option<Drill>,
    /// Applications whose panel figures the signed-in secretary may not
    /// read (recused, or reviewing them and not yet submitted): masked.
    pub masked: Vec<String>,
    /// Of those, the ones they are recused from (for the right message).
    pub recused: Vec<String>,
    /// Per application: (discussed, discussion note).
    pub deliberations: std::collections::BTreeMap<String, (bool, String)>,
}

impl Secretary {
    pub fn new(
        call: Call,
        matrix: Matrix,
        lists: Vec<TierList>,
        masked: Vec<String>,
        recused: Vec<String>,
    ) -> Secretary {
        let method = matrix.method;
        let mut s = Secretary {
            call,
            matrix,
            lists,
            method,
            sort: MatrixSort::Tier,
            order: Vec::new(),
            selected: 0,
            offset: 0,
            list_selected: 0,
            list_offset: 0,
            page: 20,
            drill: None,
            masked,
            recused,
            deliberations: Default::default(),
        };
        s.resort();
        s
    }

    /// Replaces the data after a reload, keeping the view where it was.
    pub fn replace(
        &mut self,
        matrix: Matrix,
        lists: Vec<TierList>,
        masked: Vec<String>,
        recused: Vec<String>,
    ) {
        let keep = self.selected_app().map(str::to_string);
        self.method = matrix.method;
        self.matrix = matrix;
        self.lists = lists;
        self.masked = masked;
        self.recused = recused;
        self.resort();
        if let Some(app) = keep
            && let Some(pos) = self
                .order
                .iter()
                .position(|&i| self.matrix.rows[i].app == app)
        {
            self.selected = pos;
        }
        let n = self.list_lines().len();
        self.list_selected = self.list_selected.min(n.saturating_sub(1));
    }

    /// Whether the application's panel figures are hidden from the secretary.
    pub fn is_masked(&self, app: &str) -> bool {
        self.masked.iter().any(|a| a == app)
    }

    /// Why an application cannot be opened, drilled or discussed: none
    /// unless it is masked from this secretary.
    pub fn refusal(&self, app: &str, lang: crate::base::i18n::Lang) -> Option<&'static str> {
        if !self.is_masked(app) {
            return None;
        }
        Some(if self.recused.iter().any(|a| a == app) {
            lang.pick(
                "您已回避此申报,不能查看或处理其评审情况。",
                "You are recused from this application.",
            )
        } else {
            lang.pick(
                "您是此申报的评审专家:提交本人评分后才能查看其他专家的评审情况。",
                "You review this application: the others' reviews are visible after you submit yours.",
            )
        })
    }

    fn tier_rank(&self, tier: &str) -> usize {
        self.call
            .tiers
            .iter()
            .position(|t| t.id == tier)
            .unwrap_or(usize::MAX)
    }

    pub fn resort(&mut self) {
        let rows = &self.matrix.rows;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let agg = |i: usize| {
            rows[i]
                .aggregate
                .as_ref()
                .map(|a| a.value)
                .unwrap_or(f64::MIN)
        };
        let spread = |i: usize| {
            rows[i]
                .aggregate
                .as_ref()
                .and_then(|a| a.range)
                .unwrap_or(-1.0)
        };
        let pref = |i: usize| {
            self.call
                .prefectures
                .iter()
                .position(|p| p.id == rows[i].prefecture)
                .unwrap_or(usize::MAX)
        };
        match self.sort {
            MatrixSort::Aggregate => {
                order.sort_by(|&a, &b| agg(b).total_cmp(&agg(a)).then(a.cmp(&b)))
            }
            MatrixSort::Spread => {
                order.sort_by(|&a, &b| spread(b).total_cmp(&spread(a)).then(a.cmp(&b)))
            }
            // Within a tier by aggregate (rank order; masked rows, with no
            // aggregate to read, last).
            MatrixSort::Tier => order.sort_by(|&a, &b| {
                self.tier_rank(&rows[a].tier)
                    .cmp(&self.tier_rank(&rows[b].tier))
                    .then(agg(b).total_cmp(&agg(a)))
                    .then(a.cmp(&b))
            }),
            MatrixSort::Prefecture => {
                order.sort_by_key(|&i| (pref(i), self.tier_rank(&rows[i].tier), i))
            }
        }
        self.order = order;
        self.selected = self.selected.min(self.order.len().saturating_sub(1));
        self.scroll_into_view();
    }

    pub fn selected_app(&self) -> Option<&str> {
        self.order
            .get(self.selected)
            .map(|&i| self.matrix.rows[i].app.as_str())
    }

    fn scroll_into_view(&mut self) {
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.order.is_empty() {
            return;
        }
        let last = self.order.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
        self.scroll_into_view();
    }

    /// Every tier's lines in one sequence: (tier index, line index).
    pub fn list_lines(&self) -> Vec<(usize, usize)> {
        self.lists
            .iter()
            .enumerate()
            .flat_map(|(t, l)| (0..l.lines.len()).map(move |i| (t, i)))
            .collect()
    }

    pub fn list_move_by(&mut self, delta: isize) {
        let n = self.list_lines().len();
        if n == 0 {
            return;
        }
        self.list_selected =
            (self.list_selected as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    pub fn selected_line(&self) -> Option<&crate::domain::selection::Line> {
        let (t, i) = *self.list_lines().get(self.list_selected)?;
        self.lists.get(t)?.lines.get(i)
    }

    pub fn app_name(&self, app: &str) -> String {
        self.matrix.app_name(app)
    }
}

/// What the list keys ask for: in a selection, selected / reserve / not
/// selected; in an assessment, the same keys mean continue / warn / exit.
pub fn override_outcome(
    action: super::keymap::Action,
    kind: crate::domain::RoundKind,
) -> Option<Outcome> {
    use super::keymap::Action;
    use crate::domain::RoundKind::*;
    match (action, kind) {
        (Action::OverrideSelect, Selection) => Some(Outcome::Selected),
        (Action::OverrideReserve, Selection) => Some(Outcome::Reserve),
        (Action::OverrideReject, Selection) => Some(Outcome::NotSelected),
        (Action::OverrideSelect, Assessment) => Some(Outcome::Continued),
        (Action::OverrideReserve, Assessment) => Some(Outcome::Warned),
        (Action::OverrideReject, Assessment) => Some(Outcome::Exited),
        _ => None,
    }
}
