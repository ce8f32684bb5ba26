//! Layers over the screen: help (generated from the live keymap), confirm,
//! and the comment editor. `Clear` goes under each so wide characters of the
//! screen below cannot break the border.

use super::super::app::{App, Confirm, Popup, Purpose};
use super::super::keymap::{COMMANDS, Context};
use super::super::layout::centered;
use crate::base::text::{pad, width};
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
                    // Says what is true now: typing is kept within a
                    // quarter second, not on every keystroke.
                    match (editor.purpose == Purpose::Comment, editor.dirty) {
                        (true, false) => app.lang.pick(
                            " Esc / Ctrl-S 保存并关闭 · 已暂存 ",
                            " Esc / Ctrl-S save and close · kept ",
                        ),
                        (true, true) => app.lang.pick(
                            " Esc / Ctrl-S 保存并关闭 · 暂存中… ",
                            " Esc / Ctrl-S save and close · keeping… ",
                        ),
                        _ => app
                            .lang
                            .pick(" Esc / Ctrl-S 保存并关闭 ", " Esc / Ctrl-S save and close "),
                    },
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
        Some(Popup::Drill) => drill(f, app),
        Some(Popup::ChooseReviewer(_, reviewers)) => choose(f, app, reviewers),
        Some(Popup::Passphrase { member, typed }) => passphrase(f, app, member, typed, None),
        Some(Popup::NewPassphrase {
            member,
            first,
            typed,
        }) => passphrase(f, app, member, typed, Some(first.is_some())),
        Some(Popup::Conflict {
            name, mine, theirs, ..
        }) => conflict(f, app, name, *mine, *theirs),
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
    let secretary = app.is_secretary();
    for ctx in contexts {
        if ctx.secretary_only() && !secretary {
            continue;
        }
        lines.push(Line::from(Span::styled(
            ctx.label(lang).to_string(),
            t.title(),
        )));
        for c in COMMANDS
            .iter()
            .filter(|c| c.context == ctx && (secretary || !c.for_secretary()))
        {
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
                (
                    "Ctrl-D",
                    "评语编辑时:放弃这段文字(需确认)",
                    "in the comment editor: discard the text (confirmed)",
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
        lang.pick("检索语法", "Search syntax"),
        t.title(),
    )));
    for (k, zh, en) in [
        (
            "长沙 changsha cs",
            "中文、拼音全拼或首字母(多音字各读音均可)",
            "Chinese, full pinyin or initials (every reading)",
        ),
        ("\"边界口岸\"", "精确短语", "an exact phrase"),
        (
            "-退出",
            "排除含此词的结果",
            "exclude results with this word",
        ),
        (
            "tier:镇 city:怀化",
            "层级、市州(中文或拼音)",
            "tier, prefecture (Chinese or pinyin)",
        ),
        ("year:2018 round:考核", "年度、轮次", "year, round"),
        (
            "dec:selected",
            "结果:selected / reserve / rejected",
            "outcome: selected / reserve / rejected",
        ),
        (
            "grade:优秀 score:>80",
            "等次、得分(> >= < <= =)",
            "grade, score (> >= < <= =)",
        ),
        ("flag:口子镇", "标记", "flag"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {}", pad(k, 22)),
                t.fg("accent").add_modifier(Modifier::BOLD),
            ),
            Span::styled(lang.pick(zh, en).to_string(), t.text()),
        ]));
    }
    lines.push(Line::default());
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
        Confirm::Advance => (
            lang.pick(" 进入下一阶段 ", " Advance the round? "),
            lang.pick(
                "进入合议后评分冻结,此操作会被记录。",
                "From deliberation on, scores are frozen; this is logged.",
            ),
        ),
        Confirm::OpenAssessment => (
            lang.pick(" 开启下一年度考核 ", " Open the next assessment? "),
            lang.pick(
                "为当前全部试点开启下一年度考核,每位评审专家分配全部试点(回避照常),此操作会被记录。",
                "A round over every current pilot, each reviewer assigned to all (recusals apply); logged.",
            ),
        ),
        Confirm::DiscardKept => (
            lang.pick(" 放弃保留的评语 ", " Discard the kept comment? "),
            lang.pick(
                "这段未保存的文字将被删除,无法恢复;已保存的评语不变。",
                "The unsaved text is deleted for good; the saved comment stays.",
            ),
        ),
        Confirm::Finalise => (
            lang.pick(" 定案 ", " Finalise? "),
            lang.pick(
                "按当前名单写入决定并冻结本轮,此操作会被记录。",
                "The list as it stands becomes the decisions and the round is frozen; logged.",
            ),
        ),
    };
    let first = match (what, &app.review, &app.secretary) {
        (Confirm::DiscardKept, Some(r), _) => {
            crate::base::text::truncate(&r.editable_comment().replace('\n', " "), 60)
        }
        (Confirm::Submit | Confirm::Reopen, Some(r), _) => {
            format!(
                "{}  {} {:.1}",
                r.app.name,
                lang.pick("合计", "total"),
                r.total().of_100
            )
        }
        (_, _, Some(s)) => format!(
            "{} · {}",
            s.matrix.round.shown(lang),
            s.matrix.round.state.label(lang)
        ),
        _ => String::new(),
    };
    let lines = vec![
        Line::from(Span::styled(first, t.text())),
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
    let area = fitted(f.area(), &lines, 7);
    clear(f, area);
    let block = Block::bordered()
        .title(Span::styled(title, t.title()))
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// The passphrase prompt: one dot per character typed, never the text.
/// `new`: setting one's own (Some(true) for the second entry).
fn passphrase(f: &mut Frame, app: &App, member: &str, typed: &str, new: Option<bool>) {
    let t = &app.theme;
    let lang = app.lang;
    let name = app
        .picker
        .members
        .iter()
        .find(|m| m.id == member)
        .map(|m| m.shown(lang))
        .unwrap_or_else(|| member.to_string());
    let dots = "•".repeat(typed.chars().count().min(32));
    let lines = vec![
        Line::from(Span::styled(name, t.text())),
        Line::default(),
        Line::from(vec![
            Span::styled(
                match new {
                    None => lang.pick("口令:", "Passphrase: "),
                    Some(false) => lang.pick("新口令:", "New passphrase: "),
                    Some(true) => lang.pick("再输入一次:", "Again: "),
                },
                t.muted(),
            ),
            Span::styled(format!("{dots}▏"), t.fg("accent")),
        ]),
        Line::default(),
        Line::from(vec![
            Span::styled(" Enter ", t.selection()),
            Span::styled(lang.pick(" 登录   ", " sign in   "), t.text()),
            Span::styled(" Esc ", t.bar()),
            Span::styled(lang.pick(" 取消", " cancel"), t.text()),
        ]),
    ];
    let area = centered(f.area(), 48, 7);
    clear(f, area);
    let block = Block::bordered()
        .title(Span::styled(
            if new.is_some() {
                lang.pick(" 设置您自己的口令 ", " Set your own passphrase ")
            } else {
                lang.pick(" 请输入口令 ", " Passphrase ")
            },
            t.title(),
        ))
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn drill(f: &mut Frame, app: &App) {
    let t = &app.theme;
    let lang = app.lang;
    let Some(s) = &app.secretary else { return };
    let Some(d) = &s.drill else { return };
    let area = centered(f.area(), 100, f.area().height.saturating_sub(2).max(8));
    clear(f, area);
    let inner_w = area.width.saturating_sub(2) as usize;
    let row = s.matrix.rows.iter().find(|r| r.app == d.app);
    let tier = row.map(|r| r.tier.clone()).unwrap_or_default();
    let rubric = s.call.rubric(&s.matrix.round.rubric);
    let criteria: Vec<&crate::domain::Criterion> = rubric
        .map(|r| r.criteria_for(&tier).collect())
        .unwrap_or_default();
    let label = |c: &crate::domain::Criterion| c.shown(lang);
    let mut lines = Vec::new();
    let mut head = pad(lang.pick("专家", "Reviewer"), 14);
    for c in &criteria {
        head.push_str(&crate::base::text::pad_left(
            &crate::base::text::truncate(&label(c), 8),
            9,
        ));
    }
    lines.push(Line::from(Span::styled(
        head,
        t.fg("header").add_modifier(Modifier::BOLD),
    )));
    for (name, review) in &d.reviews {
        let mut l = pad(name, 14);
        for c in &criteria {
            let v = review
                .scores
                .iter()
                .find(|x| x.criterion == c.id)
                .and_then(|x| x.value);
            l.push_str(&crate::base::text::pad_left(
                &v.map(|v| format!("{v}")).unwrap_or_else(|| "—".into()),
                9,
            ));
        }
        l.push_str(&format!("  {}", review.status.label(lang)));
        if let Some(by) = &review.entered_by {
            // Typed in from a signed paper sheet by a secretary.
            l.push_str(&format!(
                "  {}{}",
                lang.pick("代录:", "entered by "),
                crate::base::text::sanitize(by)
            ));
        }
        lines.push(Line::from(Span::styled(l, t.text())));
    }
    lines.push(Line::default());
    for (name, review) in &d.reviews {
        for sc in review
            .scores
            .iter()
            .filter(|x| !x.comment.trim().is_empty())
        {
            let cname = criteria
                .iter()
                .find(|c| c.id == sc.criterion)
                .map(|c| label(c))
                .unwrap_or_else(|| sc.criterion.clone());
            for w in crate::base::text::wrap(
                &crate::base::text::sanitize(&format!("{name} · {cname}:{}", sc.comment)),
                inner_w,
            ) {
                lines.push(Line::from(Span::styled(w, t.muted())));
            }
        }
        if !review.overall_comment.trim().is_empty() {
            let text = format!(
                "{name} · {}:{}",
                lang.pick("总评", "overall"),
                review.overall_comment
            );
            for w in crate::base::text::wrap(&crate::base::text::sanitize(&text), inner_w) {
                lines.push(Line::from(Span::styled(w, t.text())));
            }
        }
    }
    let block = Block::bordered()
        .title(Span::styled(format!(" {} ", s.app_name(&d.app)), t.title()))
        .title_bottom(Line::from(Span::styled(
            lang.pick(" 任意键关闭 ", " any key closes "),
            t.muted(),
        )))
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn choose(f: &mut Frame, app: &App, reviewers: &[(String, String)]) {
    let t = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        app.lang.pick(
            "按数字键选择专家,其他键取消:",
            "Press a reviewer's number, any other key cancels:",
        ),
        t.muted(),
    ))];
    for (i, (id, name)) in reviewers.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", i + 1), t.selection()),
            Span::styled(format!(" {name} ({id})"), t.text()),
        ]));
    }
    let area = centered(f.area(), 50, lines.len() as u16 + 2);
    clear(f, area);
    let block = Block::bordered()
        .title(Span::styled(
            app.lang.pick(" 请专家复核 ", " Ask to revisit "),
            t.title(),
        ))
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn fmt_value(v: Option<f64>, lang: crate::base::i18n::Lang) -> String {
    v.map_or_else(|| lang.pick("空", "blank").to_string(), |v| v.to_string())
}

/// Two terminals as the same member wrote one criterion: both values, and
/// the choice.
fn conflict(f: &mut Frame, app: &App, name: &str, mine: Option<f64>, theirs: Option<f64>) {
    let t = &app.theme;
    let lang = app.lang;
    let lines = vec![
        Line::from(Span::styled(
            format!(
                "{}{name}{}",
                lang.pick("「", "'"),
                lang.pick(
                    "」已在别处(另一终端)修改。",
                    "' was changed elsewhere (another terminal)."
                )
            ),
            t.text(),
        )),
        Line::default(),
        Line::from(vec![
            Span::styled(lang.pick(" 已保存的: ", " Saved:  "), t.muted()),
            Span::styled(
                fmt_value(theirs, lang),
                t.fg("ok").add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::from(vec![
            Span::styled(lang.pick(" 您输入的: ", " Yours:  "), t.muted()),
            Span::styled(
                fmt_value(mine, lang),
                t.fg("warning").add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::default(),
        Line::from(vec![
            Span::styled(" t / Esc ", t.selection()),
            Span::styled(lang.pick(" 保留已保存的   ", " keep saved   "), t.text()),
            Span::styled(" m ", t.bar()),
            Span::styled(lang.pick(" 用我的覆盖", " overwrite with mine"), t.text()),
        ]),
    ];
    let area = fitted(f.area(), &lines, 8);
    clear(f, area);
    let block = Block::bordered()
        .title(Span::styled(
            lang.pick(" 分值冲突 ", " Conflicting value "),
            t.title(),
        ))
        .border_style(t.border(true));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// A centred box wide enough for its widest line (by display width, plus
/// border and padding), at least 40 columns, `height` rows.
fn fitted(screen: ratatui::layout::Rect, lines: &[Line<'_>], height: u16) -> ratatui::layout::Rect {
    let widest = lines
        .iter()
        .map(|l| width(&l.to_string()))
        .max()
        .unwrap_or(40);
    let w = u16::try_from(widest).unwrap_or(u16::MAX).saturating_add(4);
    centered(screen, w.max(40), height)
}
