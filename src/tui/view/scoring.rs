//! The right pane: the tier's criteria with points, the scoring form, the
//! focused criterion's descriptors and comment, the live total, and the
//! other reviewers' results when the call's rule allows.

use super::super::app::App;
use super::super::keymap::{Action, Context};
use super::super::layout;
use super::super::review::{Others, ReviewForm};
use super::super::review_keys::ReadOnly;
use crate::base::text::{pad, pad_left, truncate, width, wrap};
use crate::domain::ReviewStatus;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The criteria list (one row each, the overall comment, a header) above the notes.
pub fn split(form: &ReviewForm, inner: Rect) -> [Rect; 2] {
    let n = form.criteria.len() + 1;
    Layout::vertical([Constraint::Length(n as u16 + 1), Constraint::Min(0)]).areas(inner)
}

pub fn draw(f: &mut Frame, app: &App, form: &ReviewForm, area: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let title = title(app, form, area.width as usize);
    let block = Block::bordered()
        .title(Span::styled(title, t.title()))
        .border_style(t.border(app.pane == super::super::app::Pane::Scoring));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;

    let [list_area, detail_area] = split(form, inner);
    debug_assert_eq!(list_area.y + 1, layout::criteria_top(area));
    let value_w = 8usize;
    let name_w = w.saturating_sub(2 + 6 + value_w + 6).max(6);
    let mut rows = vec![Line::from(Span::styled(
        format!(
            "  {}{}  {}  {}",
            pad(lang.pick("评分项", "Criterion"), name_w),
            pad_left(lang.pick("满分", "Max"), 4),
            pad_left(lang.pick("得分", "Score"), value_w),
            lang.pick("评语", "Note")
        ),
        t.fg("header").add_modifier(Modifier::BOLD),
    ))];
    for (i, c) in form.criteria.iter().enumerate() {
        let focused = i == form.focus;
        let shown = match (&form.input, focused) {
            (Some(typed), true) => format!("[{typed}▏]"),
            _ => form.values[i].map(fmt).unwrap_or_else(|| "—".into()),
        };
        let value_style = match form.values[i] {
            Some(v) => app.theme.score(v / c.max * 100.0),
            None => t.fg("warning"),
        };
        let note = if form.comments[i].trim().is_empty() {
            ""
        } else {
            "✎"
        };
        let mut spans = vec![
            Span::styled(if focused { "▶ " } else { "  " }, t.fg("accent")),
            Span::styled(pad(&c.name, name_w), t.text()),
            Span::styled(
                pad_left(
                    &if (c.weight - 1.0).abs() < 1e-9 {
                        fmt(c.max)
                    } else {
                        format!("{}×{}", fmt(c.max), fmt(c.weight))
                    },
                    4,
                ),
                t.muted(),
            ),
            Span::raw("  "),
            Span::styled(
                pad_left(&shown, value_w),
                value_style.add_modifier(Modifier::BOLD),
            ),
            Span::raw("  "),
            Span::styled(note, t.fg("accent")),
        ];
        if focused {
            for s in &mut spans {
                s.style = t.selection().add_modifier(Modifier::BOLD);
            }
        }
        rows.push(Line::from(spans));
    }
    let focused = form.focus == form.overall_row();
    let mut overall = vec![
        Span::styled(if focused { "▶ " } else { "  " }, t.fg("accent")),
        Span::styled(
            pad(
                lang.pick("总体评语", "Overall comment"),
                name_w + 4 + 2 + value_w + 2,
            ),
            t.text(),
        ),
        Span::styled(
            if form.overall.trim().is_empty() {
                ""
            } else {
                "✎"
            },
            t.fg("accent"),
        ),
    ];
    if focused {
        for s in &mut overall {
            s.style = t.selection().add_modifier(Modifier::BOLD);
        }
    }
    rows.push(Line::from(overall));
    f.render_widget(Paragraph::new(rows), list_area);

    let lines = notes(app, form, w);
    // The notes scroll (`{` `}`, the wheel); a marker says when more is hidden.
    let h = detail_area.height as usize;
    let max = lines.len().saturating_sub(h);
    let skip = form.detail_scroll.min(max);
    let mut shown: Vec<Line> = lines.into_iter().skip(skip).take(h).collect();
    if h > 0 && max > 0 {
        let more = match (skip > 0, skip < max) {
            (true, true) => "↑↓",
            (true, false) => "↑",
            _ => "↓",
        };
        let keys = app.keymap.keys_label(Context::Review, Action::NotesDown);
        let marker = format!("{more} {} ({keys})", lang.pick("更多", "more"));
        if shown.len() == h {
            shown.pop();
        }
        shown.push(Line::from(Span::styled(
            truncate(&marker, w),
            t.fg("accent"),
        )));
    }
    f.render_widget(Paragraph::new(shown), detail_area);
}

/// The pane's title: the review's state and its total, and under 100
/// columns (no material pane) the application's name. What does not fit
/// goes first from the name, then the "Scoring" label; the total always
/// stays.
fn title(app: &App, form: &ReviewForm, cols: usize) -> String {
    let lang = app.lang;
    let status = match (app.review_read_only(), form.status) {
        (Some(ReadOnly::Frozen(state)), _) => {
            format!("{} · {}", state.label(lang), lang.pick("只读", "read-only"))
        }
        (_, Some(ReviewStatus::Submitted)) => {
            lang.pick("已提交 · 只读", "submitted, read-only").into()
        }
        (_, Some(ReviewStatus::Draft)) => lang.pick("草稿(已自动保存)", "draft (saved)").into(),
        (_, None) => lang.pick("未开始", "not started").into(),
    };
    let total = format!(
        "{} {:.1}/100",
        lang.pick("合计", "total"),
        form.total().of_100
    );
    // Border corners and a space either side.
    let room = cols.saturating_sub(4);
    let sep = " · ";
    let mut parts = vec![total];
    if width(&status) + width(sep) + width(&parts[0]) <= room {
        parts.insert(0, status);
    }
    let label = lang.pick("评分", "Scoring");
    let used = |parts: &[String]| -> usize {
        parts.iter().map(|p| width(p)).sum::<usize>() + width(sep) * parts.len().saturating_sub(1)
    };
    if used(&parts) + width(label) + width(sep) <= room {
        parts.insert(0, label.to_string());
    }
    if app.narrow {
        let left = room.saturating_sub(used(&parts) + width(sep));
        if left >= 4 {
            parts.insert(1.min(parts.len() - 1), truncate(&form.app.name, left));
        }
    }
    truncate(&format!(" {} ", parts.join(sep)), cols.saturating_sub(2))
}

/// The notes under the criteria: the focused criterion's descriptors, its
/// comment, and the other reviewers' results (or why they are hidden).
pub fn notes(app: &App, form: &ReviewForm, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let lang = app.lang;
    let mut lines: Vec<Line> = vec![Line::from(Span::styled("─".repeat(w), t.fg("border")))];
    if let Some(c) = form.focused_criterion() {
        lines.push(Line::from(Span::styled(
            format!("{} · {} {}", c.name, lang.pick("满分", "max"), fmt(c.max)),
            t.title(),
        )));
        for (label, text) in [
            (lang.pick("低", "low"), &c.low),
            (lang.pick("中", "mid"), &c.mid),
            (lang.pick("满", "full"), &c.full),
        ] {
            if text.is_empty() {
                continue;
            }
            let prefix = format!("{label}: ");
            for (k, l) in wrap(text, w.saturating_sub(width(&prefix)))
                .into_iter()
                .enumerate()
            {
                let lead = if k == 0 {
                    prefix.clone()
                } else {
                    " ".repeat(width(&prefix))
                };
                lines.push(Line::from(vec![
                    Span::styled(lead, t.fg("accent")),
                    Span::styled(l, t.muted()),
                ]));
            }
        }
    }
    lines.push(Line::from(Span::styled(
        match form.focused_criterion() {
            Some(_) => lang.pick("评语:", "Comment:"),
            None => lang.pick("总体评语:", "Overall comment:"),
        },
        t.fg("header"),
    )));
    let comment = form.focused_comment();
    if let Some(kept) = form.kept.get(form.focused_id()) {
        let how = if app.review_read_only().is_some() {
            lang.pick(
                "保留的未保存评语(只读:可改时按 Enter 继续;D 放弃):",
                "Kept, not yet saved (read-only: Enter continues once it can change; D discards):",
            )
        } else {
            lang.pick(
                "保留的未保存评语(Enter 继续编辑,D 放弃):",
                "Kept, not yet saved (Enter continues it, D discards):",
            )
        };
        lines.push(Line::from(Span::styled(how, t.fg("warning"))));
        for l in wrap(kept, w) {
            lines.push(Line::from(Span::styled(l, t.fg("warning"))));
        }
        if !comment.trim().is_empty() {
            lines.push(Line::from(Span::styled(
                lang.pick("已保存的评语:", "Saved comment:"),
                t.fg("header"),
            )));
        }
    }
    let kept = form.kept.contains_key(form.focused_id());
    if comment.trim().is_empty() && !kept {
        lines.push(Line::from(Span::styled(
            lang.pick("(无。按 Enter 填写)", "(none; Enter to write one)"),
            t.muted(),
        )));
    } else {
        for l in wrap(comment, w) {
            lines.push(Line::from(Span::styled(l, t.text())));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        lang.pick("其他专家评分:", "Other reviewers:"),
        t.fg("header"),
    )));
    match &form.others {
        Others::Hidden {
            until_submitted: true,
        } => lines.push(Line::from(Span::styled(
            lang.pick("提交本人评分后可见。", "Visible after you submit yours."),
            t.muted(),
        ))),
        Others::Hidden {
            until_submitted: false,
        } => lines.push(Line::from(Span::styled(
            lang.pick(
                "本次评审不公开其他专家的评分。",
                "This call never shows other reviewers' scores.",
            ),
            t.muted(),
        ))),
        Others::Shown(list) if list.is_empty() => lines.push(Line::from(Span::styled(
            lang.pick("暂无。", "None yet."),
            t.muted(),
        ))),
        Others::Shown(list) => {
            for o in list {
                let st = match o.status {
                    ReviewStatus::Submitted => lang.pick("已提交", "submitted"),
                    ReviewStatus::Draft => lang.pick("草稿", "draft"),
                };
                lines.push(Line::from(vec![
                    Span::styled(pad(&o.member, 16), t.text()),
                    Span::styled(pad(st, 10), t.muted()),
                    Span::raw(" "),
                    Span::styled(
                        o.total
                            .map(|v| format!("{v:.1}"))
                            .unwrap_or_else(|| "—".into()),
                        o.total.map(|v| app.theme.score(v)).unwrap_or(t.muted()),
                    ),
                ]));
            }
        }
    }
    lines
}
