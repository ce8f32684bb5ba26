//! The search screen: the query, results beside the selected decision in
//! full. Matched characters of the applicant's name are highlighted; the
//! name is cut by display width, so the highlight stays on its character.

use super::super::app::App;
use super::super::search::{Found, SearchState};
use crate::base::text::{pad, sanitize, truncate, width, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The name as spans, matched characters highlighted, at most `cols` wide.
fn highlighted(
    name: &str,
    matched: &[usize],
    cols: usize,
    base: Style,
    hit: Style,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, c) in name.chars().enumerate() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > cols.saturating_sub(1) && name.chars().count() > i + 1 && width(name) > cols {
            spans.push(Span::styled("…", base));
            used += 1;
            break;
        }
        let style = if matched.contains(&i) { hit } else { base };
        spans.push(Span::styled(c.to_string(), style));
        used += w;
    }
    spans.push(Span::styled(" ".repeat(cols.saturating_sub(used)), base));
    spans
}

fn result_line(app: &App, f: &Found, selected: bool, name_w: usize) -> Line<'static> {
    let t = &app.theme;
    let lang = app.lang;
    let r = &f.record;
    let base = if selected { t.selection() } else { t.text() };
    let hit = if selected {
        t.selection()
            .add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
    } else {
        t.fg("match").add_modifier(Modifier::BOLD)
    };
    let result = r
        .outcome
        .map(|o| o.label(lang).to_string())
        .or_else(|| r.grade.clone())
        .unwrap_or_default();
    let mut spans = vec![Span::styled(
        format!("{} ", r.decided_on),
        if selected { base } else { t.muted() },
    )];
    spans.extend(highlighted(
        &sanitize(&r.applicant),
        &f.matched,
        name_w,
        base,
        hit,
    ));
    spans.push(Span::styled(
        format!(" {} ", pad(&sanitize(&r.prefecture_name), 6)),
        base,
    ));
    spans.push(Span::styled(
        pad(&result, 8),
        if selected { base } else { t.fg("accent") },
    ));
    Line::from(spans)
}

pub fn draw(f: &mut Frame, app: &App, s: &SearchState, area: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let [input, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let status = if !s.ready {
        lang.pick("正在打开检索…", "opening search…").to_string()
    } else if s.pending() {
        lang.pick("检索中…", "searching…").to_string()
    } else if let Some(e) = &s.error {
        e.clone()
    } else {
        format!("{} {}", s.results.len(), lang.pick("条", "found"))
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                lang.pick(" 检索: ", " Search: "),
                t.fg("accent").add_modifier(Modifier::BOLD),
            ),
            Span::styled(s.text.clone(), t.text()),
            Span::styled("▏", t.fg("accent")),
            Span::styled(
                format!("   {status}"),
                if s.error.is_some() {
                    t.fg("error")
                } else {
                    t.muted()
                },
            ),
        ])),
        input,
    );
    let narrow = body.width < super::super::layout::NARROW;
    let [list_area, detail_area] = if narrow {
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body)
    } else {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body)
    };
    let inner_w = list_area.width.saturating_sub(2) as usize;
    let name_w = inner_w.saturating_sub(11 + 8 + 8).max(6);
    let h = list_area.height.saturating_sub(2) as usize;
    let start = s.selected.saturating_sub(h.saturating_sub(1));
    let mut lines: Vec<Line> = s
        .results
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, r)| result_line(app, r, i == s.selected, name_w))
        .collect();
    if s.results.is_empty() && s.ready && !s.pending() {
        lines.push(Line::from(Span::styled(
            lang.pick(
                "  例:怀化 flag:口子镇 · grade:不合格 year:2016 · cs dec:selected · \"边界口岸\" -退出",
                "  e.g. 怀化 flag:口子镇 · grade:不合格 year:2016 · cs dec:selected · \"边界口岸\" -退出",
            ),
            t.muted(),
        )));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(
                    lang.pick(" 以往决定 ", " Decisions "),
                    t.title(),
                ))
                .border_style(t.border(true)),
        ),
        list_area,
    );

    let dw = detail_area.width.saturating_sub(2) as usize;
    let mut detail: Vec<Line> = Vec::new();
    if let Some(found) = s.selected() {
        let r = &found.record;
        let field = |k: &str, v: String| {
            Line::from(vec![
                Span::styled(format!("{k}  "), t.fg("header")),
                Span::styled(truncate(&v, dw.saturating_sub(width(k) + 2)), t.text()),
            ])
        };
        detail.push(Line::from(Span::styled(
            truncate(&sanitize(&r.applicant), dw),
            t.title(),
        )));
        detail.push(field(
            lang.pick("计划", "Programme"),
            sanitize(&r.programme),
        ));
        detail.push(field(
            lang.pick("轮次", "Round"),
            format!("{} · {}", sanitize(&r.round), r.decided_on),
        ));
        detail.push(field(
            lang.pick("市州/层级", "City/tier"),
            format!("{} · {}", sanitize(&r.prefecture_name), sanitize(&r.tier)),
        ));
        let result = r
            .outcome
            .map(|o| o.label(lang).to_string())
            .or_else(|| r.grade.clone())
            .unwrap_or_default();
        detail.push(field(lang.pick("结果", "Result"), result));
        detail.push(field(
            lang.pick("得分/排名", "Score/rank"),
            format!(
                "{} / {}",
                r.score
                    .map(|v| format!("{v:.1}"))
                    .unwrap_or_else(|| "—".into()),
                r.rank.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
            ),
        ));
        detail.push(field(
            lang.pick("决定机关", "Decided by"),
            sanitize(&r.decided_by),
        ));
        detail.push(Line::default());
        for l in wrap(&sanitize(&r.rationale), dw) {
            detail.push(Line::from(Span::styled(l, t.text())));
        }
        if r.application.is_some() {
            detail.push(Line::default());
            detail.push(Line::from(Span::styled(
                lang.pick("Enter 打开此申报", "Enter opens this application"),
                t.muted(),
            )));
        }
    }
    f.render_widget(
        Paragraph::new(detail).block(Block::bordered().border_style(t.border(false))),
        detail_area,
    );
}
