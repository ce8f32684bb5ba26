//! The queue's update: moving, filtering, opening a review (refused where
//! the member is recused), and the member picker's keys.

use super::app::{App, Effect, Popup};
use super::keymap::Action;
use super::queue::MyStatus;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    pub(super) fn picker_action(&mut self, action: Action) -> Vec<Effect> {
        let n = self.picker.members.len();
        match action {
            Action::Up => self.picker.selected = self.picker.selected.saturating_sub(1),
            Action::Down => {
                self.picker.selected = (self.picker.selected + 1).min(n.saturating_sub(1))
            }
            Action::Open => {
                if let Some(m) = self.picker.members.get(self.picker.selected) {
                    if self.picker.locked {
                        self.popup = Some(Popup::Passphrase {
                            member: m.id.clone(),
                            typed: String::new(),
                        });
                        return Vec::new();
                    }
                    return vec![Effect::SignIn(m.id.clone())];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn queue_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.queue.page.max(1) as isize;
        match action {
            Action::Up => self.queue.move_by(-1),
            Action::Down => self.queue.move_by(1),
            Action::PageUp => self.queue.move_by(-page),
            Action::PageDown => self.queue.move_by(page),
            Action::Top => self.queue.move_by(isize::MIN / 2),
            Action::Bottom => self.queue.move_by(isize::MAX / 2),
            Action::Filter => self.queue.editing_text = true,
            Action::CycleTier => self.queue.cycle_tier(),
            Action::CyclePrefecture => self.queue.cycle_prefecture(),
            Action::CycleStatus => self.queue.cycle_status(),
            Action::CycleSort => self.queue.cycle_sort(),
            Action::ClearFilters => self.queue.clear_filters(),
            Action::Open => return self.open_selected(),
            Action::OpenMatrix => {
                if self.is_secretary() {
                    return vec![Effect::OpenMatrix];
                }
                self.info(self.lang.pick(
                    "评审汇总仅供秘书使用。",
                    "The panel matrix is the secretary's.",
                ));
            }
            _ => {}
        }
        Vec::new()
    }

    /// Opens the selected application, unless the member is recused from it.
    pub fn open_selected(&mut self) -> Vec<Effect> {
        let Some(row) = self.queue.selected_row() else {
            return Vec::new();
        };
        if row.status == MyStatus::Recused {
            let text = format!(
                "{}{}",
                crate::base::text::sanitize(&row.name),
                self.lang.pick(
                    ":您已回避此申报,不能查看其评审情况,也不能评分。",
                    ": you are recused from this application and can neither see its reviews nor score it."
                )
            );
            self.warn(text);
            return Vec::new();
        }
        vec![Effect::OpenReview(row.app_id.clone())]
    }

    pub(super) fn filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                self.queue.text.clear();
                self.queue.editing_text = false;
            }
            KeyCode::Enter => self.queue.editing_text = false,
            KeyCode::Backspace => {
                self.queue.text.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.queue.text.push(c)
            }
            _ => return,
        }
        self.queue.refilter();
    }
}
