//! Drawing: pure functions of the app state. Every string from the data was
//! sanitized when loaded; widths are display widths.

mod list;
mod material;
mod matrix;
mod popup;
mod queue;
pub mod scoring;
mod search;
mod timeline;

use super::app::{App, Level, Screen};
use super::layout;
use crate::base::text::{pad, truncate, width};
use ratatui::Frame;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph};

pub fn draw(f: &mut Frame, app: &App) {
    if f.area().width < MIN_WIDTH || f.area().height < MIN_HEIGHT {
        too_small(f, app);
        return;
    }
    let areas = layout::frame(f.area());
    header(f, app, areas.header);
    match app.screen {
        Screen::Picker => picker(f, app, areas.body),
        Screen::Queue => queue::draw(f, app, areas.body),
        Screen::Matrix => {
            if let Some(s) = &app.secretary {
                matrix::draw(f, app, s, areas.body);
            }
        }
        Screen::List => {
            if let Some(s) = &app.secretary {
                list::draw(f, app, s, areas.body);
            }
        }
        Screen::Search => {
            if let Some(s) = &app.search {
                search::draw(f, app, s, areas.body);
            }
        }
        Screen::Timeline => {
            if let Some(s) = &app.timeline {
                timeline::draw(f, app, s, areas.body);
            }
        }
        Screen::Review => {
            let shows_material = app.pane == super::app::Pane::Material;
            let a = layout::review(areas.body, app.split, shows_material);
            if let Some(form) = &app.review {
                if let Some(r) = a.material {
                    material::draw(f, app, form, r);
                }
                if let Some(r) = a.scoring {
                    scoring::draw(f, app, form, r);
                }
            }
        }
    }
    message(f, app, areas.message);
    status(f, app, areas.status);
    popup::draw(f, app);
}

fn header(f: &mut Frame, app: &App, area: ratatui::layout::Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let mut parts = vec![Span::styled(" jury ", t.bar().add_modifier(Modifier::BOLD))];
    if let Some(round) = &app.round {
        parts.push(Span::styled(
            format!(
                " {} · {} ",
                crate::base::i18n::name_in(lang, &round.name, &round.name_en),
                round.state.label(lang)
            ),
            t.bar(),
        ));
    }
    if let Some(m) = &app.member {
        let roles: Vec<&str> = m.roles.iter().map(|r| r.label(lang)).collect();
        parts.push(Span::styled(
            format!(
                " {} ({}) ",
                crate::base::i18n::name_in(lang, &m.name, &m.name_en),
                roles.join(lang.pick("、", ", "))
            ),
            t.bar(),
        ));
    }
    let used: usize = parts.iter().map(|s| width(&s.content)).sum();
    parts.push(Span::styled(
        " ".repeat((area.width as usize).saturating_sub(used)),
        t.bar(),
    ));
    f.render_widget(Paragraph::new(Line::from(parts)), area);
}

fn message(f: &mut Frame, app: &App, area: ratatui::layout::Rect) {
    let t = &app.theme;
    if app.screen == Screen::Queue && app.queue.editing_text {
        let line = Line::from(vec![
            Span::styled(app.lang.pick(" 筛选: ", " Filter: "), t.fg("accent")),
            Span::styled(app.queue.text.clone(), t.text()),
            Span::styled("▏", t.fg("accent")),
            Span::styled(
                app.lang
                    .pick("   Enter 确定 · Esc 清除", "   Enter keep · Esc clear"),
                t.muted(),
            ),
        ]);
        f.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some(m) = &app.message {
        let style = match m.level {
            Level::Info => t.fg("ok"),
            Level::Warning => t.fg("warning"),
            Level::Error => t.fg("error").add_modifier(Modifier::BOLD),
        };
        let text = truncate(&format!(" {}", m.text), area.width as usize);
        f.render_widget(Paragraph::new(Span::styled(text, style)), area);
    }
}

/// The keys that matter on this screen, from the live keymap.
fn status(f: &mut Frame, app: &App, area: ratatui::layout::Rect) {
    let t = &app.theme;
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, name) in hints(app) {
        let piece = width(&key) + width(name) + 3;
        if used + piece > area.width as usize {
            break;
        }
        spans.push(Span::styled(
            format!(" {key}"),
            t.fg("accent").add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(format!(" {name} "), t.muted()));
        used += piece;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The hints of the widget that has the keys: the editor while it is
/// open; on the review screen, only what the review's state allows.
fn hints(app: &App) -> Vec<(String, &'static str)> {
    use super::keymap::Action;
    use super::review_keys::ReadOnly;
    if let Some(editor) = &app.editor {
        return editor.hints(app.lang);
    }
    let secretary = app.is_secretary();
    if app.screen != Screen::Review || app.popup.is_some() {
        return app.keymap.hints(app.context(), app.lang, secretary);
    }
    let read_only = app.review_read_only();
    let kept = app
        .review
        .as_ref()
        .is_some_and(|f| f.kept.contains_key(f.focused_id()));
    let mut hints = app
        .keymap
        .hints_where(app.context(), app.lang, secretary, |c| match c.action {
            Action::Increment | Action::Decrement | Action::EditComment | Action::Submit => {
                c.hint && read_only.is_none()
            }
            Action::Reopen => read_only == Some(ReadOnly::Submitted),
            Action::TogglePane => app.narrow,
            Action::DiscardKept => kept,
            _ => c.hint,
        });
    // Under 100 columns the pane switch comes first: a narrow status bar
    // cuts from the end, and without it half the screen is unreachable.
    if app.narrow
        && let Some(cmd) =
            super::keymap::command(super::keymap::Context::Review, Action::TogglePane)
        && let Some(i) = hints
            .iter()
            .position(|(_, n)| *n == app.lang.pick(cmd.zh, cmd.en))
    {
        let w = hints.remove(i);
        hints.insert(0, w);
    }
    hints
}

/// Below this size no screen is legible: a notice says so instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

fn too_small(f: &mut Frame, app: &App) {
    let area = f.area();
    let lang = app.lang;
    let lines = [
        lang.pick("窗口太小", "Window too small").to_string(),
        format!(
            "{} {MIN_WIDTH}×{MIN_HEIGHT}",
            lang.pick("至少需要", "needs at least")
        ),
        format!("({}×{})", area.width, area.height),
    ];
    let shown: Vec<Line> = lines
        .iter()
        .take(area.height as usize)
        .map(|l| {
            let text = truncate(l, area.width as usize);
            let pad = (area.width as usize).saturating_sub(width(&text)) / 2;
            Line::from(Span::styled(
                format!("{}{text}", " ".repeat(pad)),
                app.theme.fg("warning"),
            ))
        })
        .collect();
    let top = area.height.saturating_sub(shown.len() as u16) / 2;
    let rect = ratatui::layout::Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    f.render_widget(Paragraph::new(shown), rect);
}

fn picker(f: &mut Frame, app: &App, area: ratatui::layout::Rect) {
    let t = &app.theme;
    let lang = app.lang;
    let items: Vec<ListItem> = app
        .picker
        .members
        .iter()
        .map(|m| {
            let roles: Vec<&str> = m.roles.iter().map(|r| r.label(lang)).collect();
            ListItem::new(Line::from(vec![
                Span::styled(
                    pad(crate::base::i18n::name_in(lang, &m.name, &m.name_en), 16),
                    t.text(),
                ),
                Span::styled(pad(&m.department, 36), t.muted()),
                Span::styled(roles.join(lang.pick("、", ", ")), t.fg("header")),
            ]))
        })
        .collect();
    let block = Block::bordered()
        .title(Span::styled(
            lang.pick(" 您是哪位评审组成员? ", " Who are you? "),
            t.title(),
        ))
        .border_style(t.border(true));
    let list = List::new(items)
        .block(block)
        .highlight_style(t.selection())
        .highlight_symbol("▶ ");
    let mut state = ListState::default().with_selected(Some(app.picker.selected));
    f.render_stateful_widget(list, area, &mut state);
}

/// Keeps both panes' scroll positions within their text for this screen size.
pub fn clamp_scroll(app: &mut App, area: ratatui::layout::Rect) {
    if app.screen == Screen::Timeline
        && let Some(s) = &mut app.timeline
    {
        timeline::clamp(s, app.lang, layout::frame(area).body);
        return;
    }
    if app.screen != Screen::Review {
        return;
    }
    let body = layout::frame(area).body;
    let a = layout::review(body, app.split, app.pane == super::app::Pane::Material);
    let Some(form) = &app.review else { return };
    let mut material_max = usize::MAX;
    if let Some(rect) = a.material {
        let inner_w = rect.width.saturating_sub(2) as usize;
        let n = material::lines(app, form, inner_w.saturating_sub(1)).len();
        // Tabs take a line or two; a generous view height keeps this cheap and safe.
        let view_h = (rect.height as usize).saturating_sub(5);
        material_max = n.saturating_sub(view_h);
    }
    let mut notes_max = usize::MAX;
    if let Some(rect) = a.scoring {
        let inner = Block::bordered().inner(rect);
        let [_, detail] = scoring::split(form, inner);
        let n = scoring::notes(app, form, inner.width as usize).len();
        notes_max = n.saturating_sub(detail.height as usize);
    }
    if let Some(form) = &mut app.review {
        form.scroll = form.scroll.min(material_max);
        form.detail_scroll = form.detail_scroll.min(notes_max);
    }
}
