//! The timeline of one applicant: who it is (name, tier, 市州), a table of
//! every round of the call in time order with the member's own score, the
//! panel's score, grade, outcome and deadline to rectify, the selected
//! round's rationale wrapped below it, then the investment per year against
//! the plan and the decisions of earlier programmes under the same name.
//! Only the rows that fit are built; columns go by display width.

use super::super::app::App;
use super::super::theme::Theme;
use super::super::timeline::TimelineState;
use crate::base::i18n::Lang;
use crate::base::text::{pad, pad_left, sanitize, truncate, width, wrap};
use crate::domain::{Outcome, ReviewStatus};
use crate::panel::timeline::Entry;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Where each part goes on a body of this size.
struct Areas {
    header: Rect,
    rounds: Rect,
    rationale: Rect,
    investment: Rect,
    prior: Rect,
}

/// Lines of the rationale box at most (more scroll).
const RATIONALE_MAX: usize = 6;
/// Below this width investment and earlier decisions stack.
const SIDE_BY_SIDE: u16 = 90;

fn rationale_text(s: &TimelineState, lang: Lang) -> (String, bool) {
    let Some(e) = s.selected() else {
        return (String::new(), false);
    };
    match &e.rationale {
        Some(r) if !r.trim().is_empty() => (sanitize(r), true),
        Some(_) => (lang.pick("(未写明理由)", "(no rationale)").into(), false),
        None if !e.involved => (
            lang.pick(
                "未参加本轮:不是本轮考核的试点。",
                "Not part of this round: not a pilot assessed in it.",
            )
            .into(),
            false,
        ),
        None if !e.finalised() => (
            lang.pick(
                "本轮尚未定案,定案后显示决定及理由。",
                "Not finalised yet: the decision and its rationale show once it is.",
            )
            .into(),
            false,
        ),
        None => (
            lang.pick("本轮没有此申报的决定。", "No decision on this application.")
                .into(),
            false,
        ),
    }
}

fn rationale_lines(s: &TimelineState, lang: Lang, cols: usize) -> (Vec<String>, bool) {
    let (text, real) = rationale_text(s, lang);
    (wrap(&text, cols.max(1)), real)
}

fn areas(s: &TimelineState, lang: Lang, body: Rect) -> Areas {
    let n = s.timeline.entries.len().max(1);
    let h = body.height as usize;
    // Header line; the rounds table (borders and a header row); the
    // rationale box; the rest below.
    let rounds_h = (n + 3).min((h.saturating_sub(1) / 2).max(4));
    let inner_w = body.width.saturating_sub(2) as usize;
    let lines = rationale_lines(s, lang, inner_w)
        .0
        .len()
        .clamp(1, RATIONALE_MAX);
    let rest = h.saturating_sub(1 + rounds_h);
    // Keep at least 4 lines below the rationale where there is room.
    let rationale_h = (lines + 2).min(rest.saturating_sub(4).max(3)).min(rest);
    let [header, rounds, rationale, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(rounds_h as u16),
        Constraint::Length(rationale_h as u16),
        Constraint::Min(0),
    ])
    .areas(body);
    let [investment, prior] = if body.width >= SIDE_BY_SIDE {
        Layout::horizontal([Constraint::Length(44), Constraint::Min(20)]).areas(bottom)
    } else {
        // Stacked: the investment table as tall as it needs, leaving the
        // earlier decisions at least 3 lines.
        let need = s.timeline.investment.len().max(1) + 3;
        let give = need.min((bottom.height as usize).saturating_sub(3).max(3));
        Layout::vertical([Constraint::Length(give as u16), Constraint::Min(0)]).areas(bottom)
    };
    Areas {
        header,
        rounds,
        rationale,
        investment,
        prior,
    }
}

/// Keeps the rationale's scroll within its text for this body size.
pub fn clamp(s: &mut TimelineState, lang: Lang, body: Rect) {
    let a = areas(s, lang, body);
    let inner = Block::bordered().inner(a.rationale);
    let (lines, _) = rationale_lines(s, lang, inner.width as usize);
    s.scroll = s
        .scroll
        .min(lines.len().saturating_sub(inner.height as usize));
}

fn outcome_style(app: &App, o: Outcome) -> Style {
    let t = &app.theme;
    match o {
        Outcome::Selected | Outcome::Continued | Outcome::Promoted => t.fg("ok"),
        Outcome::Warned => t.fg("warning"),
        Outcome::Exited => t.fg("error").add_modifier(Modifier::BOLD),
        Outcome::Reserve => t.fg("accent"),
        Outcome::NotSelected => t.muted(),
    }
}

/// Column widths: each as wide as its widest label or value on screen
/// (capped), so neither language wastes room; the round's name takes the
/// rest. Gaps are inside the widths: a space before state, grade, result
/// and deadline.
struct Columns {
    year: usize,
    round: usize,
    state: usize,
    mine: usize,
    panel: usize,
    grade: usize,
    result: usize,
    due: usize,
}

const NOT_IN_IT: (&str, &str) = ("未参评", "not in it");

fn columns(s: &TimelineState, lang: Lang, inner_w: usize) -> Columns {
    let entries = &s.timeline.entries;
    let widest = |header: &str, values: Vec<usize>, cap: usize| {
        values
            .into_iter()
            .chain([width(header)])
            .max()
            .unwrap_or(0)
            .min(cap)
            + 1
    };
    let state = widest(
        lang.pick("状态", "State"),
        entries.iter().map(|e| width(e.state.label(lang))).collect(),
        12,
    );
    let grade = widest(
        lang.pick("等次", "Grade"),
        entries
            .iter()
            .filter_map(|e| e.grade_in(lang).map(width))
            .collect(),
        10,
    );
    let result = widest(
        lang.pick("结果", "Result"),
        entries
            .iter()
            .map(|e| match e.outcome {
                Some(o) => width(o.label(lang)),
                None if !e.involved => width(lang.pick(NOT_IN_IT.0, NOT_IN_IT.1)),
                None => 0,
            })
            .collect(),
        12,
    );
    let due = widest(lang.pick("整改期限", "Rectify by"), vec![10], 10);
    let (year, mine, panel) = (5, 9, 9);
    let fixed = 2 + year + state + mine + panel + 1 + grade + result + due;
    // The round's name as wide as the longest one, within what is left.
    let names = entries
        .iter()
        .map(|e| width(&sanitize(e.name_in(lang))))
        .chain([width(lang.pick("轮次", "Round"))])
        .max()
        .unwrap_or(0)
        + 2;
    Columns {
        year,
        round: inner_w.saturating_sub(fixed).min(names).max(8),
        state,
        mine,
        panel,
        grade,
        result,
        due,
    }
}

fn round_row(app: &App, e: &Entry, selected: bool, c: &Columns) -> Line<'static> {
    let t = &app.theme;
    let lang = app.lang;
    let dim = !e.involved;
    let base = if dim { t.muted() } else { t.text() };
    let mine = match &e.mine {
        Some(m) => {
            let value = m.total.map(|v| format!("{v:.2}"));
            match m.status {
                ReviewStatus::Submitted => (
                    value.clone().unwrap_or_default(),
                    m.total.map(|v| app.theme.score(v)).unwrap_or(t.text()),
                ),
                ReviewStatus::Draft => (
                    format!("({})", value.unwrap_or_else(|| "…".into())),
                    t.fg("warning"),
                ),
            }
        }
        None if e.involved => ("—".to_string(), t.muted()),
        None => (String::new(), t.muted()),
    };
    let panel = match e.score {
        Some(v) if e.live => (format!("~{v:.2}"), t.muted()),
        Some(v) => (format!("{v:.2}"), app.theme.score(v)),
        None if e.involved => ("—".to_string(), t.muted()),
        None => (String::new(), t.muted()),
    };
    let grade = match e.grade_in(lang) {
        Some(g) => (
            sanitize(g),
            if e.failing {
                t.fg("score_low").add_modifier(Modifier::BOLD)
            } else {
                t.text()
            },
        ),
        None => (String::new(), t.text()),
    };
    let result = match e.outcome {
        Some(o) => (o.label(lang).to_string(), outcome_style(app, o)),
        None if !e.involved => (lang.pick(NOT_IN_IT.0, NOT_IN_IT.1).to_string(), t.muted()),
        None => (String::new(), t.muted()),
    };
    let due = e.due_on.map(|d| d.to_string()).unwrap_or_default();
    let mut spans = vec![
        Span::styled(if selected { "▶ " } else { "  " }, t.fg("accent")),
        Span::styled(pad(&e.when.to_string(), c.year), base),
        Span::styled(pad(&sanitize(e.name_in(lang)), c.round), base),
        Span::styled(
            format!(" {}", pad(e.state.label(lang), c.state - 1)),
            if e.finalised() { base } else { t.fg("accent") },
        ),
        Span::styled(pad_left(&mine.0, c.mine), mine.1),
        Span::styled(pad_left(&panel.0, c.panel), panel.1),
        Span::styled(format!("  {}", pad(&grade.0, c.grade - 1)), grade.1),
        Span::styled(format!(" {}", pad(&result.0, c.result - 1)), result.1),
        Span::styled(format!(" {}", pad(&due, c.due - 1)), t.fg("warning")),
    ];
    if selected {
        for sp in &mut spans {
            sp.style = t.selection();
        }
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, app: &App, s: &TimelineState, body: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let a = areas(s, lang, body);
    let who = &s.timeline.applicant;

    // Who: name, tier, 市州, id.
    let mut head = vec![
        Span::styled(
            format!(" {} ", sanitize(who.name_in(lang))),
            t.title().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!(
                " {} · {} · {}",
                sanitize(who.tier_in(lang)),
                sanitize(who.prefecture_in(lang)),
                sanitize(&who.id)
            ),
            t.muted(),
        ),
    ];
    let used: usize = head.iter().map(|sp| width(&sp.content)).sum();
    if used > a.header.width as usize {
        head.truncate(1);
    }
    f.render_widget(Paragraph::new(Line::from(head)), a.header);

    // The rounds.
    let inner_w = a.rounds.width.saturating_sub(2) as usize;
    let c = columns(s, lang, inner_w);
    let header = format!(
        "  {}{} {}{}{}  {} {} {}",
        pad(lang.pick("年度", "Year"), c.year),
        pad(lang.pick("轮次", "Round"), c.round),
        pad(lang.pick("状态", "State"), c.state - 1),
        pad_left(lang.pick("我的评分", "Mine"), c.mine),
        pad_left(lang.pick("综合得分", "Panel"), c.panel),
        pad(lang.pick("等次", "Grade"), c.grade - 1),
        pad(lang.pick("结果", "Result"), c.result - 1),
        pad(lang.pick("整改期限", "Rectify by"), c.due - 1),
    );
    let mut lines = vec![Line::from(Span::styled(
        truncate(&header, inner_w),
        t.fg("header").add_modifier(Modifier::BOLD),
    ))];
    let rows_h = (a.rounds.height as usize).saturating_sub(3).max(1);
    let start = s.selected.saturating_sub(rows_h - 1);
    lines.extend(
        s.timeline
            .entries
            .iter()
            .enumerate()
            .skip(start)
            .take(rows_h)
            .map(|(i, e)| round_row(app, e, i == s.selected, &c)),
    );
    if s.timeline.entries.is_empty() {
        lines.push(Line::from(Span::styled(
            lang.pick("  尚无评审轮次。", "  No rounds yet."),
            t.muted(),
        )));
    }
    let n = s.timeline.entries.len();
    let mut block = Block::bordered()
        .title(Span::styled(
            lang.pick(" 历次评审与决定 ", " Rounds and decisions "),
            t.title(),
        ))
        .title_bottom(
            Line::from(Span::styled(
                format!(" {}/{n} ", (s.selected + 1).min(n)),
                t.muted(),
            ))
            .right_aligned(),
        )
        .border_style(t.border(true));
    if s.timeline.entries.iter().any(|e| e.live) {
        block = block.title_bottom(Span::styled(
            truncate(
                lang.pick(
                    " ~ 实时汇总(截尾平均),尚未定案 ",
                    " ~ live aggregate (trimmed mean), not final ",
                ),
                inner_w.saturating_sub(10),
            ),
            t.muted(),
        ));
    }
    f.render_widget(Paragraph::new(lines).block(block), a.rounds);

    // The selected round's rationale.
    let inner = Block::bordered().inner(a.rationale);
    let (text, real) = rationale_lines(s, lang, inner.width as usize);
    let total = text.len();
    let shown: Vec<Line> = text
        .into_iter()
        .skip(s.scroll)
        .take(inner.height as usize)
        .map(|l| Line::from(Span::styled(l, if real { t.text() } else { t.muted() })))
        .collect();
    let mut title = lang.pick(" 决定理由 ", " Rationale ").to_string();
    if let Some(e) = s.selected() {
        title = format!("{title}· {} ", sanitize(e.name_in(lang)));
    }
    let mut block = Block::bordered()
        .title(Span::styled(
            truncate(&title, inner.width as usize),
            t.title(),
        ))
        .border_style(t.border(false));
    if total > inner.height as usize {
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(
                    " {}-{}/{total} ",
                    s.scroll + 1,
                    (s.scroll + inner.height as usize).min(total)
                ),
                t.muted(),
            ))
            .right_aligned(),
        );
    }
    f.render_widget(Paragraph::new(shown).block(block), a.rationale);

    investment(f, app, s, a.investment);
    prior(f, app, s, a.prior);
}

fn amount(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into())
}

fn investment(f: &mut Frame, app: &App, s: &TimelineState, area: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let inner_w = area.width.saturating_sub(2) as usize;
    let h = area.height.saturating_sub(3) as usize;
    let (yw, nw, rw) = (8, 11, 9);
    let mut lines = vec![Line::from(Span::styled(
        truncate(
            &format!(
                " {}{}{}{}",
                pad(lang.pick("年度", "Year"), yw),
                pad_left(lang.pick("计划", "Plan"), nw),
                pad_left(lang.pick("实际", "Actual"), nw),
                pad_left(lang.pick("完成率", "Done"), rw),
            ),
            inner_w,
        ),
        t.fg("header").add_modifier(Modifier::BOLD),
    ))];
    let rows = &s.timeline.investment;
    let room = if rows.len() > h {
        h.saturating_sub(1)
    } else {
        h
    };
    for y in rows.iter().take(room) {
        let rate = y.completion.map(|r| r * 100.0);
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", pad(&y.year.to_string(), yw)), t.text()),
            Span::styled(pad_left(&amount(y.plan), nw), t.text()),
            Span::styled(pad_left(&amount(y.actual), nw), t.text()),
            Span::styled(
                pad_left(
                    &rate
                        .map(|r| format!("{r:.0}%"))
                        .unwrap_or_else(|| "—".into()),
                    rw,
                ),
                rate.map(|r| app.theme.score(r)).unwrap_or(t.muted()),
            ),
        ]));
    }
    let empty = lang.pick(" 无投资计划。", " No investment plan.");
    lines.extend(closing_line(rows.len(), room, empty, t));
    let title = lang.pick(" 投资完成情况(亿元) ", " Investment (100 M yuan) ");
    f.render_widget(Paragraph::new(lines).block(framed(title, inner_w, t)), area);
}

/// Under a list cut to `room` rows: what is left out, or that there is
/// nothing at all.
fn closing_line(count: usize, room: usize, empty: &str, t: &Theme) -> Option<Line<'static>> {
    let text = if count == 0 {
        empty.to_string()
    } else if count > room {
        format!(" … +{}", count - room)
    } else {
        return None;
    };
    Some(Line::from(Span::styled(text, t.muted())))
}

/// A side panel's frame, its title cut to the width inside.
fn framed<'a>(title: &str, inner_w: usize, t: &Theme) -> Block<'a> {
    Block::bordered()
        .title(Span::styled(truncate(title, inner_w), t.title()))
        .border_style(t.border(false))
}

fn prior(f: &mut Frame, app: &App, s: &TimelineState, area: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let inner_w = area.width.saturating_sub(2) as usize;
    let h = area.height.saturating_sub(2) as usize;
    let list = &s.timeline.prior;
    let (yw, rw, sw) = (6, 10, 7);
    let name_w = inner_w.saturating_sub(1 + yw + rw + sw).max(6);
    // Each decision on a line, its rationale below it: in full where
    // everything fits, else cut to two lines, else left out.
    let rationale_w = inner_w.saturating_sub(1 + yw).max(1);
    let wrapped: Vec<Vec<String>> = list
        .iter()
        .map(|p| wrap(&sanitize(&p.rationale).replace('\n', " "), rationale_w))
        .collect();
    let needed = |cap: usize| -> usize { wrapped.iter().map(|w| 1 + w.len().min(cap)).sum() };
    let cap = [usize::MAX, 2]
        .into_iter()
        .find(|&cap| needed(cap) <= h)
        .unwrap_or(0);
    let rationale = |i: usize| -> Vec<String> {
        let mut l = wrapped[i].clone();
        if l.len() > cap {
            l.truncate(cap);
            if let Some(last) = l.last_mut() {
                *last = truncate(&format!("{last}…"), rationale_w);
            }
        }
        l
    };
    let room = if list.len() > h {
        h.saturating_sub(1)
    } else {
        h
    };
    let mut lines: Vec<Line> =
        list.iter()
            .enumerate()
            .take(room)
            .flat_map(|(i, p)| {
                let (result, style) = match (p.outcome, &p.grade) {
                    (Some(o), _) => (o.label(lang).to_string(), outcome_style(app, o)),
                    (None, Some(g)) => (sanitize(g), t.text()),
                    (None, None) => (String::new(), t.muted()),
                };
                let head = Line::from(vec![
                    Span::styled(format!(" {}", pad(&p.year.to_string(), yw)), t.muted()),
                    Span::styled(
                        pad(
                            &format!("{} · {}", sanitize(&p.programme), sanitize(&p.round)),
                            name_w,
                        ),
                        t.text(),
                    ),
                    Span::styled(pad(&result, rw), style),
                    Span::styled(
                        pad_left(&p.score.map(|v| format!("{v:.1}")).unwrap_or_default(), sw),
                        p.score.map(|v| app.theme.score(v)).unwrap_or(t.muted()),
                    ),
                ]);
                let mut out = vec![head];
                out.extend(rationale(i).into_iter().map(|l| {
                    Line::from(Span::styled(format!(" {}{l}", " ".repeat(yw)), t.muted()))
                }));
                out
            })
            .collect();
    let empty = lang.pick(" 以往计划中没有同名申报。", " None under this name.");
    lines.extend(closing_line(list.len(), room, empty, t));
    let title = lang.pick(
        " 以往计划中的决定(同名) ",
        " Earlier programmes (same name) ",
    );
    f.render_widget(Paragraph::new(lines).block(framed(title, inner_w, t)), area);
}
