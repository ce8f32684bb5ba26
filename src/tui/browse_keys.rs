//! Leaving the queue to look around: the timeline of the selected
//! application and the search screen's keys.

use super::app::{App, Effect, Screen};
use super::keymap::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    /// The timeline of the application selected on this screen: the
    /// queue's row, the matrix's row, the list's line, the search hit's
    /// application (a decision of an earlier programme has none).
    pub(super) fn open_timeline(&mut self) -> Vec<Effect> {
        let target = match self.screen {
            Screen::Queue => self.queue.selected_row().map(|r| r.app_id.clone()),
            Screen::Matrix => self
                .secretary
                .as_ref()
                .and_then(|s| s.selected_app().map(str::to_string)),
            Screen::List => self
                .secretary
                .as_ref()
                .and_then(|s| s.selected_line().map(|l| l.app.clone())),
            Screen::Search => {
                let Some(found) = self.search.as_ref().and_then(|s| s.selected()) else {
                    return Vec::new();
                };
                if found.record.application.is_none() {
                    self.info(self.lang.pick(
                        "这是以往计划的决定,没有对应的申报履历。",
                        "A decision of an earlier programme: no application to show the timeline of.",
                    ));
                    return Vec::new();
                }
                found.record.application.clone()
            }
            _ => None,
        };
        target.map(Effect::OpenTimeline).into_iter().collect()
    }

    pub(super) fn timeline_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(t) = &mut self.timeline else {
            self.screen = Screen::Queue;
            return Vec::new();
        };
        match action {
            Action::Up => t.move_by(-1),
            Action::Down => t.move_by(1),
            Action::ScrollDown => t.scroll_by(3),
            Action::ScrollUp => t.scroll_by(-3),
            Action::Back => {
                self.screen = t.back;
                self.timeline = None;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Typing on the search screen: characters edit the query (each edit
    /// runs it); other keys fall through to the keymap.
    pub(super) fn search_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        let s = self.search.as_mut()?;
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => s.text.push(c),
            KeyCode::Backspace => {
                s.text.pop();
            }
            _ => return None,
        }
        s.selected = 0;
        Some(vec![Effect::Search(s.text.clone())])
    }

    pub(super) fn search_action(&mut self, action: Action) -> Vec<Effect> {
        let lang = self.lang;
        let Some(s) = &mut self.search else {
            return Vec::new();
        };
        let n = s.results.len();
        match action {
            Action::Up => s.selected = s.selected.saturating_sub(1),
            Action::Down => s.selected = (s.selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => s.selected = s.selected.saturating_sub(10),
            Action::PageDown => s.selected = (s.selected + 10).min(n.saturating_sub(1)),
            Action::Back => {
                self.screen = s.back;
            }
            Action::Open => {
                let target = s.selected().and_then(|f| f.record.application.clone());
                match target {
                    Some(app) if self.queue.rows.iter().any(|r| r.app_id == app) => {
                        self.screen = Screen::Queue;
                        self.queue.clear_filters();
                        self.queue.select_app(&app);
                        return self.open_selected();
                    }
                    Some(_) => self.info(lang.pick(
                        "此申报不在您的评审队列中。",
                        "That application is not in your queue.",
                    )),
                    None => self.info(lang.pick(
                        "这是以往计划的决定,没有对应的本轮申报。",
                        "A decision of an earlier programme: no application of this round to open.",
                    )),
                }
            }
            _ => {}
        }
        Vec::new()
    }
}
