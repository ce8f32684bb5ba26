//! The reviewer's queue: assigned applications with filters, sort and a
//! selection. Pure state; the view renders only the rows on screen.

use crate::base::i18n::Lang;
use crate::domain::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MyStatus {
    NotStarted,
    Draft,
    Submitted,
    Recused,
}

impl MyStatus {
    pub const ALL: [MyStatus; 4] = [
        MyStatus::NotStarted,
        MyStatus::Draft,
        MyStatus::Submitted,
        MyStatus::Recused,
    ];
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MyStatus::NotStarted => lang.pick("未开始", "not started"),
            MyStatus::Draft => lang.pick("草稿", "draft"),
            MyStatus::Submitted => lang.pick("已提交", "submitted"),
            MyStatus::Recused => lang.pick("回避", "recused"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub app_id: String,
    pub name: String,
    pub tier: String,
    pub tier_name: String,
    pub prefecture: String,
    pub prefecture_name: String,
    pub verdict: Verdict,
    pub status: MyStatus,
    /// My total rescaled to 100 (partial while a draft has blanks).
    pub total: Option<f64>,
    /// The secretary asked me to revisit this review, with this note.
    pub revisit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Tier,
    Prefecture,
    Status,
    TotalDesc,
    Name,
}

impl SortKey {
    const ORDER: [SortKey; 5] = [
        SortKey::Tier,
        SortKey::Prefecture,
        SortKey::Status,
        SortKey::TotalDesc,
        SortKey::Name,
    ];
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SortKey::Tier => lang.pick("层级", "tier"),
            SortKey::Prefecture => lang.pick("市州", "prefecture"),
            SortKey::Status => lang.pick("状态", "status"),
            SortKey::TotalDesc => lang.pick("我的总分↓", "my total ↓"),
            SortKey::Name => lang.pick("名称", "name"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Queue {
    pub rows: Vec<QueueRow>,
    /// Indexes into `rows` that pass the filters, in sort order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First visible position drawn.
    pub offset: usize,
    /// Rows that fit on screen; set by the runtime from the terminal size.
    pub page: usize,
    pub tier: Option<String>,
    pub prefecture: Option<String>,
    pub status: Option<MyStatus>,
    pub sort: SortKey,
    pub text: String,
    pub editing_text: bool,
    /// (id, name) in call order, for cycling filters.
    pub tiers: Vec<(String, String)>,
    pub prefectures: Vec<(String, String)>,
}

impl Queue {
    pub fn new(
        rows: Vec<QueueRow>,
        tiers: Vec<(String, String)>,
        prefectures: Vec<(String, String)>,
    ) -> Queue {
        let mut q = Queue {
            rows,
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            page: 20,
            tier: None,
            prefecture: None,
            status: None,
            sort: SortKey::Tier,
            text: String::new(),
            editing_text: false,
            tiers,
            prefectures,
        };
        q.refilter();
        q
    }

    pub fn selected_row(&self) -> Option<&QueueRow> {
        self.visible.get(self.selected).map(|&i| &self.rows[i])
    }

    /// Whether a row passes the filters; `needle` is the typed text in
    /// lower case (lowered once per refilter, not once per row).
    fn matches(&self, r: &QueueRow, needle: &str) -> bool {
        if self.tier.as_ref().is_some_and(|t| *t != r.tier) {
            return false;
        }
        if self.prefecture.as_ref().is_some_and(|p| *p != r.prefecture) {
            return false;
        }
        if self.status.is_some_and(|s| s != r.status) {
            return false;
        }
        if needle.is_empty() {
            return true;
        }
        [
            &r.name,
            &r.app_id,
            &r.prefecture_name,
            &r.tier_name,
            &r.prefecture,
        ]
        .iter()
        .any(|h| h.to_lowercase().contains(needle))
    }

    fn tier_rank(&self, id: &str) -> usize {
        self.tiers
            .iter()
            .position(|(t, _)| t == id)
            .unwrap_or(usize::MAX)
    }
    fn pref_rank(&self, id: &str) -> usize {
        self.prefectures
            .iter()
            .position(|(p, _)| p == id)
            .unwrap_or(usize::MAX)
    }

    /// Recomputes the visible rows, keeping the selected application when it
    /// is still visible.
    pub fn refilter(&mut self) {
        let keep = self.selected_row().map(|r| r.app_id.clone());
        let needle = self.text.to_lowercase();
        let mut visible: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.matches(&self.rows[i], &needle))
            .collect();
        let rows = &self.rows;
        // Cached keys: a rank is a search of the call's tiers or 市州, done
        // once per row rather than twice per comparison.
        match self.sort {
            SortKey::Tier => visible.sort_by_cached_key(|&i| {
                (
                    self.tier_rank(&rows[i].tier),
                    self.pref_rank(&rows[i].prefecture),
                    i,
                )
            }),
            SortKey::Prefecture => visible.sort_by_cached_key(|&i| {
                (
                    self.pref_rank(&rows[i].prefecture),
                    self.tier_rank(&rows[i].tier),
                    i,
                )
            }),
            SortKey::Status => {
                visible.sort_by_cached_key(|&i| (rows[i].status, self.tier_rank(&rows[i].tier), i))
            }
            SortKey::TotalDesc => visible.sort_by(|&a, &b| {
                let ta = rows[a].total.unwrap_or(-1.0);
                let tb = rows[b].total.unwrap_or(-1.0);
                tb.total_cmp(&ta).then(a.cmp(&b))
            }),
            SortKey::Name => {
                visible.sort_by(|&a, &b| rows[a].name.cmp(&rows[b].name).then(a.cmp(&b)))
            }
        }
        self.visible = visible;
        self.selected = keep
            .and_then(|id| self.visible.iter().position(|&i| self.rows[i].app_id == id))
            .unwrap_or(0);
        self.scroll_into_view();
    }

    pub fn scroll_into_view(&mut self) {
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        let max_offset = self.visible.len().saturating_sub(page);
        self.offset = self.offset.min(max_offset);
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
        self.scroll_into_view();
    }

    pub fn select_app(&mut self, app_id: &str) {
        if let Some(pos) = self
            .visible
            .iter()
            .position(|&i| self.rows[i].app_id == app_id)
        {
            self.selected = pos;
            self.scroll_into_view();
        }
    }

    fn cycle<T: Clone + PartialEq>(current: &Option<T>, options: &[T]) -> Option<T> {
        match current {
            None => options.first().cloned(),
            Some(c) => {
                let pos = options.iter().position(|o| o == c);
                pos.and_then(|p| options.get(p + 1)).cloned()
            }
        }
    }

    pub fn cycle_tier(&mut self) {
        let ids: Vec<String> = self.tiers.iter().map(|(id, _)| id.clone()).collect();
        self.tier = Self::cycle(&self.tier, &ids);
        self.refilter();
    }

    /// Cycles through the prefectures that have rows (others would show nothing).
    pub fn cycle_prefecture(&mut self) {
        let ids: Vec<String> = self
            .prefectures
            .iter()
            .map(|(id, _)| id.clone())
            .filter(|id| self.rows.iter().any(|r| &r.prefecture == id))
            .collect();
        self.prefecture = Self::cycle(&self.prefecture, &ids);
        self.refilter();
    }

    pub fn cycle_status(&mut self) {
        self.status = Self::cycle(&self.status, &MyStatus::ALL);
        self.refilter();
    }

    pub fn cycle_sort(&mut self) {
        let pos = SortKey::ORDER
            .iter()
            .position(|s| *s == self.sort)
            .unwrap_or(0);
        self.sort = SortKey::ORDER[(pos + 1) % SortKey::ORDER.len()];
        self.refilter();
    }

    pub fn clear_filters(&mut self) {
        self.tier = None;
        self.prefecture = None;
        self.status = None;
        self.text.clear();
        self.refilter();
    }

    /// (submitted, reviewable): recused assignments are not the member's to do.
    pub fn progress(&self) -> (usize, usize) {
        let submitted = self
            .rows
            .iter()
            .filter(|r| r.status == MyStatus::Submitted)
            .count();
        let reviewable = self
            .rows
            .iter()
            .filter(|r| r.status != MyStatus::Recused)
            .count();
        (submitted, reviewable)
    }

    /// Replaces the rows after a reload, keeping filters and selection.
    pub fn replace_rows(&mut self, rows: Vec<QueueRow>) {
        let keep = self.selected_row().map(|r| r.app_id.clone());
        self.rows = rows;
        self.visible.clear();
        self.refilter();
        if let Some(id) = keep {
            self.select_app(&id);
        }
    }

    pub fn update_row(&mut self, app_id: &str, status: MyStatus, total: Option<f64>) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.app_id == app_id) {
            r.status = status;
            r.total = total;
        }
    }

    /// The application after (or before) the selected one, in queue order.
    pub fn neighbour(&self, forward: bool) -> Option<&QueueRow> {
        let pos = if forward {
            self.selected.checked_add(1)?
        } else {
            self.selected.checked_sub(1)?
        };
        self.visible.get(pos).map(|&i| &self.rows[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, tier: &str, pref: &str, status: MyStatus, total: Option<f64>) -> QueueRow {
        QueueRow {
            app_id: id.into(),
            name: format!("{id}镇"),
            tier: tier.into(),
            tier_name: tier.into(),
            prefecture: pref.into(),
            prefecture_name: match pref {
                "changsha" => "长沙",
                "huaihua" => "怀化",
                _ => "岳阳",
            }
            .into(),
            verdict: Verdict::Eligible,
            status,
            total,
            revisit: None,
        }
    }

    fn queue() -> Queue {
        Queue::new(
            vec![
                row("a", "town", "huaihua", MyStatus::Submitted, Some(80.0)),
                row("b", "county", "changsha", MyStatus::Draft, Some(60.0)),
                row("c", "town", "changsha", MyStatus::NotStarted, None),
                row("d", "cluster", "yueyang", MyStatus::Recused, None),
            ],
            vec![
                ("cluster".into(), "城镇群".into()),
                ("county".into(), "县".into()),
                ("town".into(), "镇".into()),
            ],
            vec![
                ("changsha".into(), "长沙".into()),
                ("yueyang".into(), "岳阳".into()),
                ("huaihua".into(), "怀化".into()),
            ],
        )
    }

    fn ids(q: &Queue) -> Vec<&str> {
        q.visible
            .iter()
            .map(|&i| q.rows[i].app_id.as_str())
            .collect()
    }

    #[test]
    fn sorts_by_tier_then_prefecture_in_call_order() {
        assert_eq!(ids(&queue()), ["d", "b", "c", "a"]);
    }

    #[test]
    fn filters_cycle_and_keep_selection() {
        let mut q = queue();
        q.select_app("c");
        q.cycle_tier(); // cluster
        assert_eq!(ids(&q), ["d"]);
        q.cycle_tier(); // county
        q.cycle_tier(); // town
        assert_eq!(ids(&q), ["c", "a"]);
        assert_eq!(q.selected_row().unwrap().app_id, "c");
        q.cycle_tier(); // all again
        assert_eq!(q.tier, None);
        assert_eq!(q.visible.len(), 4);
        q.cycle_status();
        assert_eq!(ids(&q), ["c"]);
        q.clear_filters();
        q.text = "长沙".into();
        q.refilter();
        assert_eq!(ids(&q), ["b", "c"]);
    }

    #[test]
    fn total_sort_puts_unscored_last() {
        let mut q = queue();
        while q.sort != SortKey::TotalDesc {
            q.cycle_sort();
        }
        assert_eq!(ids(&q), ["a", "b", "c", "d"]);
    }

    #[test]
    fn progress_ignores_recused() {
        assert_eq!(queue().progress(), (1, 3));
    }

    #[test]
    fn movement_scrolls_the_window() {
        let rows = (0..100)
            .map(|i| {
                row(
                    &format!("x{i:03}"),
                    "town",
                    "changsha",
                    MyStatus::NotStarted,
                    None,
                )
            })
            .collect();
        let mut q = Queue::new(
            rows,
            vec![("town".into(), "镇".into())],
            vec![("changsha".into(), "长沙".into())],
        );
        q.page = 10;
        q.move_by(15);
        assert_eq!((q.selected, q.offset), (15, 6));
        q.move_by(-100);
        assert_eq!((q.selected, q.offset), (0, 0));
        q.move_by(1000);
        assert_eq!((q.selected, q.offset), (99, 90));
    }
}
