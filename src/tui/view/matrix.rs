//! The panel matrix: applications × reviewers, with the aggregate under the
//! chosen method, raw and standardised ranks, spread and the dispute flag;
//! below it each reviewer's calibration and the panel's reliability.

use super::super::app::App;
use super::super::secretary::Secretary;
use crate::base::text::{pad, pad_left, sanitize, truncate, width};
use crate::domain::aggregate::Reliability;
use crate::panel::tally::Cell;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn draw(f: &mut Frame, app: &App, s: &Secretary, area: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let [summary, table, stats] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(4),
    ])
    .areas(area);
    let disputed = s.matrix.rows.iter().filter(|r| r.disputed).count();
    let line = Line::from(vec![
        Span::styled(format!(" {} ", lang.pick("汇总方法:", "Method:")), t.text()),
        Span::styled(
            s.method.label(lang),
            t.fg("accent").add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("  {} {}", lang.pick("排序:", "sort:"), s.sort.label(lang)),
            t.muted(),
        ),
        Span::styled(
            format!("  {} {disputed}", lang.pick("需讨论:", "to discuss:")),
            if disputed > 0 {
                t.fg("warning")
            } else {
                t.muted()
            },
        ),
    ]);
    f.render_widget(Paragraph::new(line), summary);

    let inner_w = table.width.saturating_sub(2) as usize;
    let cell_w = 6usize;
    let k = s.matrix.reviewers.len();
    // An assessment adds investment completed against the year's plan.
    let assessment = s.matrix.round.kind == crate::domain::RoundKind::Assessment;
    let invest_w = if assessment { 7 } else { 0 };
    // Columns that give way, in this order, until names get room to be
    // read (at 80 columns: the spare margin, the standardised rank, the
    // range, then the tier, which the sort order shows anyway).
    const NAME_MIN: usize = 14;
    let core = 2 + cell_w * k + invest_w + 8 + 6 + 5 + 4;
    let mut optional = [(8usize, true), (8, true), (6, true), (8, true)];
    for i in 0..optional.len() {
        let used: usize = core + optional.iter().filter(|o| o.1).map(|o| o.0).sum::<usize>();
        if inner_w.saturating_sub(used) >= NAME_MIN {
            break;
        }
        optional[i].1 = false;
    }
    let [_, show_z, show_range, show_tier] = optional.map(|o| o.1);
    let fixed = core + optional.iter().filter(|o| o.1).map(|o| o.0).sum::<usize>();
    let name_w = inner_w.saturating_sub(fixed).max(8);
    let name_of = |id: &str| -> String {
        s.call
            .tier(id)
            .map(|x| crate::base::i18n::name_in(lang, &x.name, &x.name_en).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    // Every header keeps a blank column before the next one.
    let mut head = format!(
        "  {}{}",
        pad(
            &truncate(lang.pick("申报主体", "Applicant"), name_w.saturating_sub(1)),
            name_w
        ),
        if show_tier {
            pad(lang.pick("层级", "Tier"), 8)
        } else {
            String::new()
        }
    );
    for r in &s.matrix.reviewers {
        head.push_str(&pad_left(&r.id, cell_w));
    }
    if assessment {
        head.push_str(&pad_left(lang.pick("投资", "Inv."), invest_w));
    }
    head.push_str(&pad_left(lang.pick("综合", "Agg."), 8));
    head.push_str(&pad_left(lang.pick("排名", "Rank"), 6));
    if show_z {
        head.push_str(&pad_left(lang.pick("标准化", "z-rank"), 8));
    }
    if show_range {
        head.push_str(&pad_left(lang.pick("极差", "Range"), 6));
    }
    head.push_str(&pad_left(lang.pick("分歧", "Flag"), 5));
    head.push_str(&pad_left(lang.pick("议", "Dis"), 4));
    let mut lines = vec![Line::from(Span::styled(
        truncate(&head, inner_w),
        t.fg("header").add_modifier(Modifier::BOLD),
    ))];
    let rows_h = (table.height as usize).saturating_sub(3);
    let end = (s.offset + rows_h).min(s.order.len());
    for pos in s.offset..end {
        let row = &s.matrix.rows[s.order[pos]];
        let selected = pos == s.selected;
        let masked = s.is_masked(&row.app);
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, t.fg("accent")),
            Span::styled(
                pad(
                    &truncate(&sanitize(&row.name), name_w.saturating_sub(1)),
                    name_w,
                ),
                t.text(),
            ),
        ];
        if show_tier {
            spans.push(Span::styled(pad(&name_of(&row.tier), 8), t.muted()));
        }
        for (c, reviewer) in row.cells.iter().zip(&s.matrix.reviewers) {
            let (text, style) = match (masked, c) {
                (true, _) | (_, Cell::Masked) => ("·".to_string(), t.muted()),
                (_, Cell::NotAssigned) => (String::new(), t.muted()),
                (_, Cell::Recused) => (lang.pick("回避", "rec.").to_string(), t.muted()),
                (_, Cell::Missing) => ("—".to_string(), t.fg("warning")),
                (_, Cell::Draft(v)) => (
                    v.map(|v| format!("({v:.0})"))
                        .unwrap_or_else(|| "(…)".into()),
                    t.fg("warning"),
                ),
                (_, Cell::Submitted(v)) => (format!("{v:.1}"), app.theme.score(*v)),
            };
            // ⟲: sent back to this reviewer (an open revisit request).
            let text = if row.revisits.contains(&reviewer.id) {
                format!("{text}⟲")
            } else {
                text
            };
            spans.push(Span::styled(pad_left(&text, cell_w), style));
        }
        if assessment {
            let rate = row.completion.filter(|_| !masked);
            spans.push(Span::styled(
                pad_left(
                    &rate
                        .map(|c| format!("{:.0}%", c * 100.0))
                        .unwrap_or_default(),
                    invest_w,
                ),
                match rate {
                    Some(c) if c < 0.6 => t.fg("error"),
                    Some(c) if c < 0.9 => t.fg("warning"),
                    _ => t.text(),
                },
            ));
        }
        let agg = row.aggregate.as_ref().filter(|_| !masked);
        spans.push(Span::styled(
            pad_left(
                &agg.map(|a| format!("{:.2}{}", a.value, if a.fell_back { "*" } else { "" }))
                    .unwrap_or_else(|| {
                        if s.recused.contains(&row.app) {
                            lang.pick("回避", "recused").into()
                        } else if masked {
                            // Reviewing it, not yet allowed to read the others.
                            lang.pick("盲评", "blind").into()
                        } else {
                            String::new()
                        }
                    }),
                8,
            ),
            agg.map(|a| app.theme.score(a.value)).unwrap_or(t.muted()),
        ));
        spans.push(Span::styled(
            pad_left(
                &row.rank
                    .filter(|_| !masked)
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                6,
            ),
            t.text(),
        ));
        if show_z {
            spans.push(Span::styled(
                pad_left(
                    &row.adjusted_rank
                        .filter(|_| !masked)
                        .map(|r| r.to_string())
                        .unwrap_or_default(),
                    8,
                ),
                t.muted(),
            ));
        }
        if show_range {
            spans.push(Span::styled(
                pad_left(
                    &agg.and_then(|a| a.range)
                        .map(|r| format!("{r:.1}"))
                        .unwrap_or_default(),
                    6,
                ),
                t.text(),
            ));
        }
        spans.push(Span::styled(
            pad_left(
                if row.disputed && !masked {
                    lang.pick("讨论", "talk")
                } else {
                    ""
                },
                5,
            ),
            t.fg("warning").add_modifier(Modifier::BOLD),
        ));
        let mark = match s.deliberations.get(&row.app) {
            Some((true, _)) => "✓",
            Some((false, note)) if !note.is_empty() => "✎",
            _ => "",
        };
        spans.push(Span::styled(pad_left(mark, 4), t.fg("ok")));
        if selected {
            for sp in &mut spans {
                sp.style = t.selection();
            }
        }
        lines.push(Line::from(spans));
    }
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " {} · {} ",
                lang.pick("评审汇总", "Panel matrix"),
                s.matrix.round.shown(lang)
            ),
            t.title(),
        ))
        .title_bottom(
            Line::from(Span::styled(
                format!(" {}/{} ", s.selected + 1, s.order.len()),
                t.muted(),
            ))
            .right_aligned(),
        )
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), table);

    // Calibration and reliability.
    let mut cal = Vec::new();
    for st in &s.matrix.reviewer_stats {
        cal.push(format!(
            "{} {} {:.1} SD {} {} {}",
            st.reviewer,
            lang.pick("均", "mean"),
            st.mean,
            st.sd
                .map(|v| format!("{v:.1}"))
                .unwrap_or_else(|| "—".into()),
            lang.pick("偏", "bias"),
            st.bias
                .map(|b| format!("{b:+.1}"))
                .unwrap_or_else(|| "—".into())
        ));
    }
    let alpha = match s.matrix.alpha {
        Some(a) => format!(
            "Krippendorff α = {a:.3} · {}",
            Reliability::of_alpha(a).label(lang)
        ),
        None => format!(
            "Krippendorff α: {}",
            lang.pick("数据不足", "not enough data")
        ),
    };
    let w = stats.width as usize;
    // Calibration wraps over two lines before anything is cut, between
    // reviewers: never inside one reviewer's numbers.
    let mut rows: Vec<String> = Vec::new();
    for item in cal {
        let item = truncate(&item, w.saturating_sub(1));
        match rows.last_mut() {
            Some(row) if width(row) + 2 + width(&item) <= w.saturating_sub(1) => {
                row.push_str("  ");
                row.push_str(&item);
            }
            _ => rows.push(item),
        }
    }
    let mut text: Vec<Line> = rows
        .into_iter()
        .take(2)
        .map(|l| Line::from(Span::styled(format!(" {l}"), t.muted())))
        .collect();
    text.extend([
        Line::from(Span::styled(format!(" {alpha}"), t.fg("accent"))),
        Line::from(Span::styled(
            truncate(
                lang.pick(
                    " * 评审不足 5 份,改用算术平均  (…) 草稿  — 未评  回避:不参与",
                    " * fewer than 5 reviews: mean used  (…) draft  — missing  rec.: recused",
                ),
                w,
            ),
            t.muted(),
        )),
    ]);
    f.render_widget(Paragraph::new(text), stats);
}
