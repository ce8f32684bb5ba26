//! The timeline screen's state: one applicant's rounds across the years,
//! the selected round (its rationale shows below the table), how far the
//! rationale is scrolled, and the screen to go back to. Pure state; the
//! runtime builds the `Timeline` (`crate::panel::timeline`).

use super::screen::Screen;
use crate::panel::timeline::Timeline;

pub struct TimelineState {
    pub timeline: Timeline,
    /// Index into `timeline.entries`.
    pub selected: usize,
    /// First line of the selected round's rationale on screen.
    pub scroll: usize,
    /// The screen Esc returns to.
    pub back: Screen,
}

impl TimelineState {
    /// Opens on the latest round with a decision (else the first).
    pub fn new(timeline: Timeline, back: Screen) -> TimelineState {
        let selected = timeline
            .entries
            .iter()
            .rposition(|e| e.outcome.is_some() || e.rationale.is_some())
            .unwrap_or(0);
        TimelineState {
            timeline,
            selected,
            scroll: 0,
            back,
        }
    }

    pub fn selected(&self) -> Option<&crate::panel::timeline::Entry> {
        self.timeline.entries.get(self.selected)
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.timeline.entries.len();
        if n == 0 {
            return;
        }
        let next = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
        if next != self.selected {
            self.selected = next;
            self.scroll = 0;
        }
    }

    pub fn scroll_by(&mut self, delta: isize) {
        self.scroll = (self.scroll as isize + delta).max(0) as usize;
    }

    /// New data for the same applicant (another process changed the
    /// database): the same round stays selected.
    pub fn replace(&mut self, timeline: Timeline) {
        let keep = self.selected().map(|e| e.round.clone());
        self.timeline = timeline;
        match keep.and_then(|r| self.timeline.entries.iter().position(|e| e.round == r)) {
            Some(i) => self.selected = i,
            None => {
                self.selected = self
                    .selected
                    .min(self.timeline.entries.len().saturating_sub(1));
                self.scroll = 0;
            }
        }
    }
}
