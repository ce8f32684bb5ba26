//! Screen geometry, shared by the views (to draw) and the mouse handler (to
//! hit-test), so a click lands where the row was drawn.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this width the review screen shows one pane at a time.
pub const NARROW: u16 = 100;

pub struct Frame {
    pub header: Rect,
    pub body: Rect,
    pub message: Rect,
    pub status: Rect,
}

pub fn frame(area: Rect) -> Frame {
    let [header, body, message, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Frame {
        header,
        body,
        message,
        status,
    }
}

pub struct QueueAreas {
    pub summary: Rect,
    /// The table block; rows start at `rows.y`.
    pub table: Rect,
    pub rows: Rect,
}

pub fn queue(body: Rect) -> QueueAreas {
    let [summary, table] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(body);
    // Border (1) and header row (1) above the rows, border (1) below.
    let rows = Rect {
        x: table.x + 1,
        y: table.y + 2,
        width: table.width.saturating_sub(2),
        height: table.height.saturating_sub(3),
    };
    QueueAreas {
        summary,
        table,
        rows,
    }
}

/// Rows that fit in the queue for a terminal of this size.
pub fn queue_page(area: Rect) -> usize {
    queue(frame(area).body).rows.height.max(1) as usize
}

pub struct ReviewAreas {
    /// None when narrow and the scoring pane is shown.
    pub material: Option<Rect>,
    pub scoring: Option<Rect>,
}

pub fn review(body: Rect, split: u16, narrow_shows_material: bool) -> ReviewAreas {
    if body.width < NARROW {
        return if narrow_shows_material {
            ReviewAreas {
                material: Some(body),
                scoring: None,
            }
        } else {
            ReviewAreas {
                material: None,
                scoring: Some(body),
            }
        };
    }
    let [left, right] = Layout::horizontal([
        Constraint::Percentage(split),
        Constraint::Percentage(100 - split),
    ])
    .areas(body);
    ReviewAreas {
        material: Some(left),
        scoring: Some(right),
    }
}

/// The first criterion row inside the scoring pane (border and header above).
pub fn criteria_top(scoring: Rect) -> u16 {
    scoring.y + 2
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
