//! Layers over the screen: help (generated from the live keymap), confirm,
//! and the comment editor. `Clear` goes under each so wide characters of the
//! screen below cannot break the border.

use super::super::app::{App, Confirm, Popup};
use super::super::keymap::{COMMANDS, Context};
use super::super::layout::centered;
use crate::text::{pad, width};
use ratatui::Frame;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Clears a popup's area, and blanks any double-width character just left of
/// it: such a character spills into the popup's first column, and the
/// terminal would then never receive the popup's left border there.
pub fn clear(f: &mut Frame, area: ratatui::layout::Rect) {
    f.render_widget(Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in area.y..area.y + area.height {
        if let Some(cell) = buf.cell_mut((area.x - 1, y))
            && width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

pub fn draw(f: &mut Frame, app: &App) {
    if let Some(editor) = &app.editor {
        let t = &app.theme;
        let area = centered(f.area(), 72, 14);
        clear(f, area);
        let mut ta = editor.area.clone();
        ta.set_block(
            Block::bordered()
                .title(Span::styled(format!(" {} ", editor.title), t.title()))
                .title_bottom(Line::from(Span::styled(
                    app.lang.pick(
                        " Esc / Ctrl-S 保存并关闭 · 每个按键都已保存 ",
                        " Esc / Ctrl-S save and close · every keystroke is kept ",
                    ),
                    t.muted(),
                )))
                .border_style(t.border(true)),
        );
        ta.set_style(t.text());
        ta.set_cursor_line_style(ratatui::style::Style::default());
        ta.set_cursor_style(t.selection());
        f.render_widget(&ta, area);
        return;
    }
    match &app.popup {
        Some(Popup::Help { scroll }) => help(f, app, *scroll),
        Some(Popup::Confirm(what)) => confirm(f, app, *what),
        None => {}
    }
}

fn help_lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let lang = app.lang;
    let current = app.context();
    let mut contexts = vec![current, Context::Global];
    for c in [Context::Picker, Context::Queue, Context::Review] {
        if !contexts.contains(&c) {
            contexts.push(c);
        }
    }
    let mut lines = Vec::new();
    for ctx in contexts {
        lines.push(Line::from(Span::styled(
            ctx.label(lang).to_string(),
            t.title(),
        )));
        for c in COMMANDS.iter().filter(|c| c.context == ctx) {
            let keys = app.keymap.keys_label(ctx, c.action);
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {}", pad(&keys, 18)),
                    t.fg("accent").add_modifier(Modifier::BOLD),
                ),
                Span::styled(lang.pick(c.zh, c.en).to_string(), t.text()),
            ]));
        }
        if ctx == Context::Review {
            for (k, zh, en) in [
                (
                    "0-9 .",
                    "输入分值(超出范围的按键不被接受)",
                    "type a value (out-of-range keys are refused)",
                ),
                (
                    "Esc Ctrl-S",
                    "评语编辑时:保存并关闭",
                    "in the comment editor: save and close",
                ),
            ] {
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {}", pad(k, 18)),
                        t.fg("accent").add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(lang.pick(zh, en).to_string(), t.text()),
                ]));
            }
        }
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        lang.pick(
            "鼠标:单击选择,再次单击打开;滚轮滚动。键位可在配置目录的 keymap.toml 中修改。",
            "Mouse: click selects, click again opens; the wheel scrolls. Keys can be changed in keymap.toml in the config directory.",
        ),
        t.muted(),
    )));
    lines
}

fn help(f: &mut Frame, app: &App, scroll: usize) {
    let t = &app.theme;
    let area = centered(f.area(), 76, f.area().height.saturating_sub(4).max(8));
    clear(f, area);
    let lines = help_lines(app);
    let h = area.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(h));
    let block = Block::bordered()
        .title(Span::styled(
            app.lang.pick(" 帮助 · 按键 ", " Help · keys "),
            t.title(),
        ))
        .title_bottom(Line::from(Span::styled(
            app.lang.pick(
                " ↑↓ 滚动 · 其他键关闭 ",
                " ↑↓ scroll · any other key closes ",
            ),
            t.muted(),
        )))
        .border_style(t.border(true));
    let visible: Vec<Line> = lines.into_iter().skip(scroll).collect();
    f.render_widget(Paragraph::new(visible).block(block), area);
}

fn confirm(f: &mut Frame, app: &App, what: Confirm) {
    let t = &app.theme;
    let lang = app.lang;
    let (title, body) = match what {
        Confirm::Submit => (
            lang.pick(" 确认提交 ", " Submit? "),
            lang.pick(
                "提交后评分锁定,可在合议前撤回重评(会被记录)。",
                "Submitting locks the review; it can be reopened until deliberation (logged).",
            ),
        ),
        Confirm::Reopen => (
            lang.pick(" 撤回重评 ", " Reopen? "),
            lang.pick(
                "撤回后评分变为草稿,此操作会被记录。",
                "The review becomes a draft again; this is logged.",
            ),
        ),
    };
    let name = app
        .review
        .as_ref()
        .map(|r| r.app.name.clone())
        .unwrap_or_default();
    let total = app.review.as_ref().map(|r| r.total().of_100).unwrap_or(0.0);
    let lines = vec![
        Line::from(Span::styled(
            format!("{name}  {} {total:.1}", lang.pick("合计", "total")),
            t.text(),
        )),
        Line::default(),
        Line::from(Span::styled(body, t.muted())),
        Line::default(),
        Line::from(vec![
            Span::styled(" y / Enter ", t.selection()),
            Span::styled(lang.pick(" 确认   ", " confirm   "), t.text()),
            Span::styled(" n / Esc ", t.bar()),
            Span::styled(lang.pick(" 取消", " cancel"), t.text()),
        ]),
    ];
    let widest = lines
        .iter()
        .map(|l| width(&l.to_string()))
        .max()
        .unwrap_or(40);
    let w = u16::try_from(widest).unwrap_or(u16::MAX).saturating_add(4);
    let area = centered(f.area(), w.max(40), 7);
    clear(f, area);
    let block = Block::bordered()
        .title(Span::styled(title, t.title()))
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), area);
}
