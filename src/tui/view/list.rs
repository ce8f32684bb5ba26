//! The list as it stands: per tier, the proposal under the call's balance
//! rules with the secretary's overrides, each line saying how it got its
//! place; the selected line's reasons in full below.

use super::super::app::App;
use super::super::secretary::Secretary;
use crate::base::text::{pad, pad_left, truncate, wrap};
use crate::domain::Outcome;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn draw(f: &mut Frame, app: &App, s: &Secretary, area: Rect) {
    let t = &app.theme;
    let lang = app.lang;
    // The reasons take the lines they need (up to four), the list the rest:
    // no blank lines under a list that is cut off.
    let why = reasons(app, s, area.width as usize);
    let [body, detail] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(why.len() as u16)]).areas(area);
    let inner_w = body.width.saturating_sub(2) as usize;
    let name = |id: &str| s.matrix.label(&s.call, id, lang);
    let fixed = 2 + 5 + 8 + 1 + 14 + 8 + 9 + 1 + 10 + 6;
    let name_w = inner_w.saturating_sub(fixed).max(8);

    // All lines with their tier headings, then the visible window around the selection.
    let mut rendered: Vec<(Option<usize>, Line)> = Vec::new();
    let mut flat = 0usize;
    // An assessment's list shows grade and investment completed where a
    // selection shows region and how a place was won.
    let assessment = s.matrix.round.kind == crate::domain::RoundKind::Assessment;
    for list in &s.lists {
        let heading = if assessment {
            format!("{}  {}", name(&list.tier), list.rules.pilots_summary(lang))
        } else {
            format!("{}  {}", name(&list.tier), list.rules.summary(lang))
        };
        rendered.push((None, Line::from(Span::styled(heading, t.title()))));
        if list.withheld {
            rendered.push((
                None,
                Line::from(Span::styled(
                    crate::panel::tally::TierList::withheld_note(lang),
                    t.muted(),
                )),
            ));
        }
        for l in &list.lines {
            let row = s.matrix.rows.iter().find(|r| r.app == l.app);
            let place = s.matrix.apps.get(&l.app);
            let (third, fourth) = if assessment {
                (
                    l.grade
                        .as_deref()
                        .filter(|_| !s.is_masked(&l.app))
                        .map(|g| {
                            crate::panel::export::grade_label(&s.call, &s.matrix.round, g, lang)
                        })
                        .unwrap_or_default(),
                    row.and_then(|r| r.completion)
                        .map(|c| format!("{} {:.0}%", lang.pick("投资", "inv."), c * 100.0))
                        .unwrap_or_default(),
                )
            } else {
                (
                    place.map(|p| name(&p.region)).unwrap_or_default(),
                    l.basis
                        .map(|b| b.label(lang).to_string())
                        .unwrap_or_default(),
                )
            };
            let masked = s.is_masked(&l.app);
            let outcome_style = match l.outcome {
                Outcome::Selected | Outcome::Continued | Outcome::Promoted => t.fg("ok"),
                Outcome::Reserve | Outcome::Warned => t.fg("warning"),
                Outcome::Exited => t.fg("error"),
                Outcome::NotSelected => t.muted(),
            };
            let overridden = l
                .reasons
                .iter()
                .any(|r| matches!(r, crate::domain::selection::Reason::Override { .. }));
            let mut spans = vec![
                Span::styled(
                    if flat == s.list_selected {
                        "▶ "
                    } else {
                        "  "
                    },
                    t.fg("accent"),
                ),
                Span::styled(
                    pad_left(&l.rank.map(|r| r.to_string()).unwrap_or_default(), 4),
                    t.muted(),
                ),
                Span::raw(" "),
                // A blank column always parts the name from the 市州.
                Span::styled(
                    pad(
                        &truncate(&s.app_name(&l.app), name_w.saturating_sub(1)),
                        name_w,
                    ),
                    t.text(),
                ),
                Span::styled(
                    pad(&place.map(|p| name(&p.prefecture)).unwrap_or_default(), 8),
                    t.text(),
                ),
                Span::raw(" "),
                Span::styled(pad(&third, 14), t.muted()),
                Span::styled(
                    pad_left(
                        &if masked {
                            lang.pick("回避", "recused").into()
                        } else {
                            l.score.map(|v| format!("{v:.2}")).unwrap_or_default()
                        },
                        7,
                    ),
                    t.text(),
                ),
                Span::raw(" "),
                Span::styled(
                    pad(l.outcome.label(lang), 9),
                    outcome_style.add_modifier(Modifier::BOLD),
                ),
                Span::raw(" "),
                Span::styled(pad(&fourth, 10), t.fg("accent")),
                Span::styled(
                    if overridden {
                        lang.pick("✎调整", "✎ edit")
                    } else {
                        ""
                    },
                    t.fg("warning"),
                ),
            ];
            if flat == s.list_selected {
                for sp in &mut spans {
                    sp.style = t.selection();
                }
            }
            rendered.push((Some(flat), Line::from(spans)));
            flat += 1;
        }
        rendered.push((None, Line::default()));
    }
    let h = (body.height as usize).saturating_sub(2);
    let at = rendered
        .iter()
        .position(|(i, _)| *i == Some(s.list_selected))
        .unwrap_or(0);
    let start = at
        .saturating_sub(h / 2)
        .min(rendered.len().saturating_sub(h));
    let lines: Vec<Line> = rendered
        .into_iter()
        .skip(start)
        .take(h)
        .map(|(_, l)| l)
        .collect();
    let state = s.matrix.round.state.label(lang);
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " {} · {} · {} ",
                lang.pick("名单", "The list"),
                s.matrix.round.shown(lang),
                state
            ),
            t.title(),
        ))
        .title_bottom(
            Line::from(Span::styled(
                format!(" {} ", s.method.label(lang)),
                t.muted(),
            ))
            .right_aligned(),
        )
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), body);

    f.render_widget(Paragraph::new(why), detail);
}

/// Why the selected line stands where it does, wrapped to `cols`.
fn reasons(app: &App, s: &Secretary, cols: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let lang = app.lang;
    let name = |id: &str| s.matrix.label(&s.call, id, lang);
    let mut why: Vec<Line> = Vec::new();
    if let Some(l) = s.selected_line() {
        let text = l
            .reasons
            .iter()
            .map(|r| r.describe(lang, &name))
            .collect::<Vec<_>>()
            .join(lang.pick(";", "; "));
        let text = match (text.is_empty(), &l.grade) {
            (false, _) => text,
            // A pilot that simply goes on: its grade says why.
            (true, Some(g)) if !s.is_masked(&l.app) => format!(
                "{} {}{}",
                lang.pick("考核等次", "graded"),
                crate::panel::export::grade_label(&s.call, &s.matrix.round, g, lang),
                lang.pick(",继续试点。", "; continues.")
            ),
            _ => lang.pick("按排名。", "By rank.").to_string(),
        };
        for w in wrap(&format!("{}:{text}", s.app_name(&l.app)), cols)
            .into_iter()
            .take(4)
        {
            why.push(Line::from(Span::styled(truncate(&w, cols), t.muted())));
        }
    }
    why
}
