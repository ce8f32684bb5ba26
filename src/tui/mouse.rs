//! Mouse: click selects (and opens what is already selected), the wheel
//! scrolls whatever is under the pointer. Hit-tests use the same geometry
//! as the views (`layout`).

use super::app::{App, Effect, Pane, Screen};
use super::{keymap, layout, view};
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

/// Mouse: click selects (and opens what is already selected), the wheel
/// scrolls whatever is under the pointer.
pub fn mouse(app: &mut App, m: MouseEvent, area: Rect) -> Vec<Effect> {
    if app.popup.is_some() || app.editor.is_some() {
        return Vec::new();
    }
    let body = layout::frame(area).body;
    let inside = |r: Rect| {
        m.column >= r.x && m.column < r.x + r.width && m.row >= r.y && m.row < r.y + r.height
    };
    match app.screen {
        Screen::Matrix | Screen::List | Screen::Search | Screen::Timeline => {
            match m.kind {
                MouseEventKind::ScrollDown => return app.act(keymap::Action::Down),
                MouseEventKind::ScrollUp => return app.act(keymap::Action::Up),
                _ => {}
            }
            Vec::new()
        }
        Screen::Picker => match m.kind {
            MouseEventKind::ScrollDown => app.act(keymap::Action::Down),
            MouseEventKind::ScrollUp => app.act(keymap::Action::Up),
            MouseEventKind::Down(MouseButton::Left) if m.row > body.y => {
                // List rows start inside the border; clicks map to rows only
                // while the whole list fits (it does not scroll then).
                let idx = (m.row - body.y - 1) as usize;
                let visible = body.height.saturating_sub(2) as usize;
                if idx < app.picker.members.len() && app.picker.members.len() <= visible {
                    if idx == app.picker.selected {
                        return app.act(keymap::Action::Open);
                    }
                    app.picker.selected = idx;
                }
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::Queue => {
            let q = layout::queue(body);
            match m.kind {
                MouseEventKind::ScrollDown => app.queue.move_by(3),
                MouseEventKind::ScrollUp => app.queue.move_by(-3),
                MouseEventKind::Down(MouseButton::Left) if inside(q.rows) => {
                    let pos = app.queue.offset + (m.row - q.rows.y) as usize;
                    if pos < app.queue.visible.len() {
                        if pos == app.queue.selected {
                            return app.open_selected();
                        }
                        app.queue.selected = pos;
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Screen::Review => {
            let r = layout::review(body, app.split, app.pane == Pane::Material);
            let over_material = r.material.is_some_and(inside);
            let over_scoring = r.scoring.is_some_and(inside);
            let over_notes = match (r.scoring, &app.review) {
                (Some(rect), Some(form)) => {
                    let inner = ratatui::widgets::Block::bordered().inner(rect);
                    let [_, notes] = view::scoring::split(form, inner);
                    inside(notes)
                }
                _ => false,
            };
            let Some(form) = &mut app.review else {
                return Vec::new();
            };
            match m.kind {
                MouseEventKind::ScrollDown if over_material => form.scroll += 3,
                MouseEventKind::ScrollUp if over_material => {
                    form.scroll = form.scroll.saturating_sub(3)
                }
                MouseEventKind::ScrollDown if over_notes => form.detail_scroll += 2,
                MouseEventKind::ScrollUp if over_notes => {
                    form.detail_scroll = form.detail_scroll.saturating_sub(2)
                }
                MouseEventKind::ScrollDown if over_scoring => form.set_focus(form.focus + 1),
                MouseEventKind::ScrollUp if over_scoring => {
                    form.set_focus(form.focus.saturating_sub(1))
                }
                MouseEventKind::Down(MouseButton::Left) if over_scoring => {
                    let top = layout::criteria_top(r.scoring.expect("over scoring"));
                    if m.row >= top {
                        let idx = (m.row - top) as usize;
                        if idx <= form.overall_row() {
                            form.set_focus(idx);
                        }
                    }
                }
                _ => {}
            }
            Vec::new()
        }
    }
}
