//! The queue: a progress gauge, the filters in force, and the rows on screen
//! (only those are built, however long the queue).

use super::super::app::App;
use super::super::layout;
use super::super::queue::MyStatus;
use crate::base::text::{pad, pad_left, width};
use crate::domain::Verdict;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn draw(f: &mut Frame, app: &App, body: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let q = &app.queue;
    let areas = layout::queue(body);

    // Progress gauge and filters.
    let (done, all) = q.progress();
    let bar_w = 20usize;
    let filled = (done * bar_w).checked_div(all).unwrap_or(0);
    let mut summary = vec![
        Span::styled(format!(" {} ", lang.pick("已提交", "Submitted")), t.text()),
        Span::styled("█".repeat(filled), t.fg("gauge")),
        Span::styled("░".repeat(bar_w - filled), t.muted()),
        Span::styled(
            format!(" {done}/{all}  "),
            t.text().add_modifier(Modifier::BOLD),
        ),
    ];
    let mut filters = Vec::new();
    if let Some(tier) = &q.tier {
        let name = q
            .tiers
            .iter()
            .find(|(id, _)| id == tier)
            .map(|(_, n)| n.as_str())
            .unwrap_or(tier);
        filters.push(format!("{}={name}", lang.pick("层级", "tier")));
    }
    if let Some(p) = &q.prefecture {
        let name = q
            .prefectures
            .iter()
            .find(|(id, _)| id == p)
            .map(|(_, n)| n.as_str())
            .unwrap_or(p);
        filters.push(format!("{}={name}", lang.pick("市州", "prefecture")));
    }
    if let Some(s) = q.status {
        filters.push(format!("{}={}", lang.pick("状态", "status"), s.label(lang)));
    }
    if !q.text.is_empty() {
        filters.push(format!("\"{}\"", q.text));
    }
    summary.push(Span::styled(
        format!(
            "{} {}  {} {}/{}",
            lang.pick("排序:", "sort:"),
            q.sort.label(lang),
            lang.pick("显示", "showing"),
            q.visible.len(),
            q.rows.len()
        ),
        t.muted(),
    ));
    if !filters.is_empty() {
        summary.push(Span::styled(
            format!("  {} {}", lang.pick("筛选:", "filter:"), filters.join(" ")),
            t.fg("accent"),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(summary)), areas.summary);

    // Columns by display width: the name takes what the others leave.
    let w = areas.rows.width as usize;
    // Columns as wide as their widest label (capped), so neither language
    // truncates a status; the applicant's name takes the rest.
    let widest = |labels: &mut dyn Iterator<Item = usize>, min: usize, cap: usize| {
        labels.fold(min, usize::max).min(cap)
    };
    let tier_w = widest(
        &mut q.tiers.iter().map(|(_, n)| width(n)),
        width(lang.pick("层级", "Tier")),
        24,
    );
    let pref_w = widest(
        &mut q.rows.iter().map(|r| width(&r.prefecture_name)),
        width(lang.pick("市州", "City")),
        14,
    );
    let verdict_w = widest(
        &mut [
            Verdict::Eligible,
            Verdict::Ineligible,
            Verdict::DirectlyIncluded,
        ]
        .iter()
        .map(|v| width(v.label(lang))),
        width(lang.pick("资格", "Eligible")),
        20,
    );
    let status_w = widest(
        &mut MyStatus::ALL.iter().map(|s| width(s.label(lang))),
        8,
        14,
    );
    let cols = [tier_w, pref_w, verdict_w, status_w, 8];
    let fixed: usize = cols.iter().sum::<usize>() + cols.len() * 2 + 2;
    let name_w = w.saturating_sub(fixed).max(8);
    let head = format!(
        "  {}  {}  {}  {}  {}  {}",
        pad(lang.pick("申报主体", "Applicant"), name_w),
        pad(lang.pick("层级", "Tier"), cols[0]),
        pad(lang.pick("市州", "City"), cols[1]),
        pad(lang.pick("资格", "Eligible"), cols[2]),
        pad(lang.pick("我的状态", "Status"), cols[3]),
        pad_left(lang.pick("我的总分", "My total"), cols[4]),
    );
    let mut lines = vec![Line::from(Span::styled(
        head,
        t.fg("header").add_modifier(Modifier::BOLD),
    ))];
    let height = areas.rows.height as usize;
    let end = (q.offset + height).min(q.visible.len());
    for pos in q.offset..end {
        let row = &q.rows[q.visible[pos]];
        let selected = pos == q.selected;
        let verdict_style = match row.verdict {
            Verdict::Eligible => t.fg("ok"),
            Verdict::Ineligible => t.fg("error"),
            Verdict::DirectlyIncluded => t.fg("accent"),
        };
        let status_style = match row.status {
            MyStatus::Submitted => t.fg("ok"),
            MyStatus::Draft => t.fg("warning"),
            MyStatus::NotStarted => t.text(),
            MyStatus::Recused => t.muted(),
        };
        let total = row
            .total
            .map(|v| format!("{v:.1}"))
            .unwrap_or_else(|| "—".into());
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, t.fg("accent")),
            Span::styled(pad(&row.name, name_w), t.text()),
            Span::raw("  "),
            Span::styled(pad(&row.tier_name, cols[0]), t.text()),
            Span::raw("  "),
            Span::styled(pad(&row.prefecture_name, cols[1]), t.text()),
            Span::raw("  "),
            Span::styled(pad(row.verdict.label(lang), cols[2]), verdict_style),
            Span::raw("  "),
            Span::styled(
                pad(
                    &if row.revisit.is_some() {
                        format!("⟲{}", lang.pick("请复核", "revisit"))
                    } else {
                        row.status.label(lang).to_string()
                    },
                    cols[3],
                ),
                if row.revisit.is_some() {
                    t.fg("warning")
                } else {
                    status_style
                },
            ),
            Span::raw("  "),
            Span::styled(
                pad_left(&total, cols[4]),
                row.total.map(|v| app.theme.score(v)).unwrap_or(t.muted()),
            ),
        ];
        if selected {
            for s in &mut spans {
                s.style = t.selection();
            }
        }
        lines.push(Line::from(spans));
    }
    if q.visible.is_empty() {
        let text = if q.rows.is_empty() {
            lang.pick(
                "本轮没有分配给您的申报。",
                "Nothing is assigned to you in this round.",
            )
        } else {
            lang.pick(
                "没有符合筛选条件的申报(按 x 清除筛选)。",
                "No application matches the filters (x clears them).",
            )
        };
        lines.push(Line::from(Span::styled(format!("  {text}"), t.muted())));
    }
    let pos_label = if q.visible.is_empty() {
        String::new()
    } else {
        format!(" {}/{} ", q.selected + 1, q.visible.len())
    };
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", lang.pick("我的评审队列", "My queue")),
            t.title(),
        ))
        .title_bottom(Line::from(Span::styled(pos_label, t.muted())).right_aligned())
        .border_style(t.border(true));
    let inner_w = width(&" ".repeat(w));
    debug_assert!(inner_w == w);
    f.render_widget(Paragraph::new(lines).block(block), areas.table);
}
