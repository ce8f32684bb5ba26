//! The left pane: the application's material as tabs (work-plan sections,
//! indicators against the tier average, the investment plan, eligibility),
//! wrapped and aligned by display width, scrolled to `form.scroll`.

use super::super::app::App;
use super::super::review::{ReviewForm, Tab};
use crate::base::text::{pad, pad_left, truncate, width, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Lines of the current tab at a given text width.
pub fn lines(app: &App, form: &ReviewForm, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let lang = app.lang;
    let mut out: Vec<Line<'static>> = Vec::new();
    match &form.tabs[form.tab] {
        Tab::Section { id, .. } => {
            let text = form.app.sections.get(id).map(String::as_str).unwrap_or("");
            if text.trim().is_empty() {
                out.push(Line::from(Span::styled(
                    lang.pick("(申报材料缺少此部分)", "(this section is missing)")
                        .to_string(),
                    t.fg("error"),
                )));
            }
            for para in text.trim().split("\n\n") {
                for l in wrap(para.trim(), w) {
                    out.push(Line::from(Span::styled(l, t.text())));
                }
                out.push(Line::default());
            }
        }
        Tab::Indicators => {
            let cols = [9usize, 12, 4, 7];
            let name_w = w.saturating_sub(cols.iter().sum::<usize>() + 8).max(8);
            out.push(Line::from(Span::styled(
                format!(
                    "{}  {}  {}  {}  {}",
                    pad(lang.pick("指标", "Indicator"), name_w),
                    pad_left(lang.pick("本地", "Value"), cols[0]),
                    pad_left(lang.pick("全省同级平均", "Tier average"), cols[1]),
                    pad(lang.pick("单位", "Unit"), cols[2]),
                    pad(lang.pick("对比", "vs avg"), cols[3]),
                ),
                t.fg("header").add_modifier(Modifier::BOLD),
            )));
            for d in &form.indicators {
                let value = form.app.indicators.get(&d.id).copied();
                let (mark, style) = match value {
                    Some(v) if d.beats_average(v) => (lang.pick("▲ 高于", "▲ above"), t.fg("ok")),
                    Some(_) => (lang.pick("▼ 低于", "▼ below"), t.fg("error")),
                    None => (lang.pick("未填报", "missing"), t.fg("warning")),
                };
                // Long names wrap inside their column; the numbers sit on the first line.
                for (i, name) in wrap(&d.name, name_w).iter().enumerate() {
                    let mut spans = vec![Span::styled(pad(name, name_w), t.text())];
                    if i == 0 {
                        spans.extend([
                            Span::raw("  "),
                            Span::styled(
                                pad_left(
                                    &value.map(fmt_num).unwrap_or_else(|| "—".into()),
                                    cols[0],
                                ),
                                style,
                            ),
                            Span::raw("  "),
                            Span::styled(pad_left(&fmt_num(d.average), cols[1]), t.muted()),
                            Span::raw("  "),
                            Span::styled(pad(&d.unit, cols[2]), t.muted()),
                            Span::raw("  "),
                            Span::styled(mark.to_string(), style),
                        ]);
                    }
                    out.push(Line::from(spans));
                }
            }
        }
        Tab::Investment => {
            let years: Vec<i32> = form.app.plan_by_year().keys().copied().collect();
            let num_w = 7usize;
            let fixed = 8 + 6 + (num_w + 2) * (years.len() + 1) + 4;
            let name_w = w.saturating_sub(fixed).max(10);
            let mut head = format!(
                "{}  {}  {}  {}",
                pad(lang.pick("项目", "Project"), name_w),
                pad(lang.pick("类别", "Kind"), 8),
                pad(lang.pick("状态", "Stage"), 6),
                pad_left(lang.pick("总投资", "Total"), num_w)
            );
            for y in &years {
                head.push_str(&format!("  {}", pad_left(&y.to_string(), num_w)));
            }
            let head_line = Line::from(Span::styled(
                head,
                t.fg("header").add_modifier(Modifier::BOLD),
            ));
            // The yearly totals, and for a pilot what it actually invested:
            // first when there are actuals (the assessment reads them), else
            // under the projects.
            let mut summary_lines: Vec<Line> = Vec::new();
            {
                let out = &mut summary_lines;
                let totals = form.app.plan_by_year();
                let grand: f64 = form.app.projects.iter().map(|p| p.total).sum();
                let mut line = format!(
                    "{}  {}  {}  {}",
                    pad(lang.pick("计划合计", "Planned"), name_w),
                    pad("", 8),
                    pad("", 6),
                    pad_left(&format!("{grand:.2}"), num_w)
                );
                for y in &years {
                    line.push_str(&format!(
                        "  {}",
                        pad_left(&format!("{:.2}", totals[y]), num_w)
                    ));
                }
                out.push(Line::from(Span::styled(
                    line,
                    t.fg("accent").add_modifier(Modifier::BOLD),
                )));
                if !form.actuals.is_empty() {
                    // Investment actually completed against each year's plan.
                    let lead = |label: &str| {
                        format!(
                            "{}  {}  {}  {}",
                            pad(label, name_w),
                            pad("", 8),
                            pad("", 6),
                            pad_left("", num_w)
                        )
                    };
                    let mut actual = vec![Span::styled(
                        lead(lang.pick("实际完成", "Actual")),
                        t.text(),
                    )];
                    let mut rate = vec![Span::styled(lead(lang.pick("完成率", "Rate")), t.text())];
                    for y in &years {
                        let done = form.actuals.get(y);
                        actual.push(Span::styled(
                            format!(
                                "  {}",
                                pad_left(
                                    &done.map(|a| format!("{a:.2}")).unwrap_or_default(),
                                    num_w
                                )
                            ),
                            t.text(),
                        ));
                        let r = done
                            .zip(totals.get(y))
                            .filter(|(_, p)| **p > 0.0)
                            .map(|(a, p)| a / p);
                        let style = match r {
                            Some(r) if r >= 0.9 => t.fg("ok"),
                            Some(r) if r < 0.6 => t.fg("error"),
                            Some(_) => t.fg("warning"),
                            None => t.muted(),
                        };
                        rate.push(Span::styled(
                            format!(
                                "  {}",
                                pad_left(
                                    &r.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_default(),
                                    num_w
                                )
                            ),
                            style.add_modifier(Modifier::BOLD),
                        ));
                    }
                    out.push(Line::from(actual));
                    out.push(Line::from(rate));
                }
            }
            // The amounts carry no unit of their own: say it once, in each
            // language's terms (亿元 is 100 million yuan, not a billion).
            out.push(Line::from(Span::styled(
                lang.pick("金额单位:亿元", "Amounts in 100 million yuan (亿元)"),
                t.muted(),
            )));
            out.push(head_line.clone());
            if !form.actuals.is_empty() {
                out.append(&mut summary_lines);
                out.push(Line::default());
                out.push(head_line);
            }
            for p in &form.app.projects {
                // Long project names wrap inside their column.
                let name_lines = wrap(&p.name, name_w);
                for (i, name) in name_lines.iter().enumerate() {
                    let mut line = pad(name, name_w);
                    if i == 0 {
                        line.push_str(&format!(
                            "  {}  {}  {}",
                            pad(&p.category, 8),
                            pad(&p.status, 6),
                            pad_left(&format!("{:.2}", p.total), num_w)
                        ));
                        for y in &years {
                            line.push_str(&format!(
                                "  {}",
                                pad_left(&format!("{:.2}", p.planned(*y)), num_w)
                            ));
                        }
                    }
                    out.push(Line::from(Span::styled(line, t.text())));
                }
            }
            out.append(&mut summary_lines);
        }
        Tab::Eligibility => {
            let verdict_style = match form.eligibility.verdict {
                crate::domain::Verdict::Eligible => t.fg("ok"),
                crate::domain::Verdict::Ineligible => t.fg("error"),
                crate::domain::Verdict::DirectlyIncluded => t.fg("accent"),
            };
            out.push(Line::from(vec![
                Span::styled(
                    format!("{}:", lang.pick("资格审查结论", "Verdict")),
                    t.text(),
                ),
                Span::styled(
                    form.eligibility.verdict.label(lang).to_string(),
                    verdict_style.add_modifier(Modifier::BOLD),
                ),
            ]));
            out.push(Line::default());
            for c in &form.eligibility.checks {
                let (mark, style) = if c.passed {
                    ("✓", t.fg("ok"))
                } else {
                    ("✗", t.fg("error"))
                };
                out.push(Line::from(vec![
                    Span::styled(format!("{mark} "), style),
                    Span::styled(
                        c.kind.label(lang).to_string(),
                        style.add_modifier(Modifier::BOLD),
                    ),
                ]));
                for l in wrap(c.reason(lang), w.saturating_sub(2)) {
                    out.push(Line::from(Span::styled(format!("  {l}"), t.muted())));
                }
            }
        }
    }
    out
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

pub fn draw(f: &mut Frame, app: &App, form: &ReviewForm, area: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let inner_w = area.width.saturating_sub(2) as usize;
    let mut title = format!(
        " {} · {} · {} · {} ",
        form.app.name, form.tier_name, form.prefecture_name, form.region_name
    );
    if !form.flag_names.is_empty() {
        title.push_str(&format!("[{}] ", form.flag_names.join("、")));
    }
    let title = truncate(&title, inner_w);

    // Tabs, wrapped onto as many lines as the width needs.
    let mut tab_lines: Vec<Line> = vec![Line::default()];
    let mut used = 0;
    for (i, tab) in form.tabs.iter().enumerate() {
        let label = format!(" {} ", tab.label(lang));
        let lw = width(&label) + 1;
        if used + lw > inner_w && used > 0 {
            tab_lines.push(Line::default());
            used = 0;
        }
        let style = if i == form.tab {
            t.selection().add_modifier(Modifier::BOLD)
        } else {
            t.muted()
        };
        let line = tab_lines.last_mut().expect("one line");
        line.spans.push(Span::styled(label, style));
        line.spans.push(Span::raw(" "));
        used += lw;
    }
    let body = lines(app, form, inner_w.saturating_sub(1));
    let tab_h = tab_lines.len() + 1;
    let view_h = (area.height as usize).saturating_sub(2 + tab_h);
    let max_scroll = body.len().saturating_sub(view_h);
    let scroll = form.scroll.min(max_scroll);
    let mut visible: Vec<Line> = tab_lines;
    visible.push(Line::from(Span::styled(
        "─".repeat(inner_w),
        t.fg("border"),
    )));
    visible.extend(body.iter().skip(scroll).take(view_h).cloned());
    let position = if body.len() > view_h {
        format!(
            " {} {}–{}/{} ",
            lang.pick("行", "lines"),
            scroll + 1,
            (scroll + view_h).min(body.len()),
            body.len()
        )
    } else {
        String::new()
    };
    let block = Block::bordered()
        .title(Span::styled(title, t.title()))
        .title_bottom(Line::from(Span::styled(position, t.muted())).right_aligned())
        .border_style(t.border(app.pane == super::super::app::Pane::Material));
    f.render_widget(
        Paragraph::new(visible).block(block).style(Style::default()),
        area,
    );
}
