//! Display-width text helpers: Chinese characters take two columns, so
//! alignment and truncation go by `unicode-width`, never by bytes or chars.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Removes control characters and terminal escape sequences from text that came
/// from data, so a file cannot move the cursor or recolour the terminal.
/// Newlines and tabs survive as layout; everything else in C0/C1 goes.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi_body(&mut chars),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi_body(chars);
        }
        // OSC, DCS, SOS, PM, APC: run to BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

fn skip_csi_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameters and intermediates, then one final byte in @..~.
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, ending with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Pads `s` with spaces on the right to exactly `cols` columns (truncating first).
pub fn pad(s: &str, cols: usize) -> String {
    let cut = truncate(s, cols);
    let fill = cols.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(fill))
}

/// Pads on the left, for numbers.
pub fn pad_left(s: &str, cols: usize) -> String {
    let cut = truncate(s, cols);
    let fill = cols.saturating_sub(width(&cut));
    format!("{}{cut}", " ".repeat(fill))
}

/// Renders rows as a plain-text table whose columns line up by display width.
/// `right` marks the columns to align right (numbers).
pub fn table(header: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    // Cells come from data: nothing in them may reach the terminal as control.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| sanitize(c).replace(['\n', '\t'], " "))
                .collect()
        })
        .collect();
    let rows = &rows;
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let render = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if right.contains(&i) {
                    pad_left(c, widths[i])
                } else {
                    pad(c, widths[i])
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = String::new();
    out.push_str(&render(header.to_vec()));
    out.push('\n');
    for row in rows {
        out.push_str(&render(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// Punctuation that must not begin a line in Chinese typesetting (避头).
const NO_LINE_START: &str = "\u{ff0c}\u{3002}\u{3001}\u{ff1b}\u{ff1a}\u{ff1f}\u{ff01}\u{ff09}\u{300b}\u{300d}\u{300f}\u{3011}\u{3009}\u{201d}\u{2019}\u{2026}\u{ff05},.;:?!)]}%";

/// Wraps text to lines of at most `width` columns. Latin words stay whole
/// where they fit; Chinese text breaks between any two characters, except
/// that closing punctuation never starts a line (the character before it
/// moves down with it). Existing newlines are kept.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        let mut word = String::new();
        let mut word_w = 0;
        let flush_word = |line: &mut String,
                          used: &mut usize,
                          word: &mut String,
                          word_w: &mut usize,
                          out: &mut Vec<String>| {
            if word.is_empty() {
                return;
            }
            if *used + *word_w > width && *used > 0 {
                out.push(std::mem::take(line).trim_end().to_string());
                *used = 0;
            }
            // A word longer than a line is cut by columns.
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if *used + w > width {
                    out.push(std::mem::take(line));
                    *used = 0;
                }
                line.push(c);
                *used += w;
            }
            word.clear();
            *word_w = 0;
        };
        for c in para.chars() {
            let w = c.width().unwrap_or(0);
            if c.is_ascii_alphanumeric()
                || (c.is_ascii_punctuation() && !word.is_empty() && !NO_LINE_START.contains(c))
            {
                word.push(c);
                word_w += w;
                continue;
            }
            flush_word(&mut line, &mut used, &mut word, &mut word_w, &mut out);
            if c == ' ' && used == 0 {
                continue;
            }
            if used + w > width {
                if NO_LINE_START.contains(c) && !line.is_empty() {
                    // Carry the last character down so the mark does not lead.
                    let last = line.pop().expect("non-empty");
                    out.push(std::mem::take(&mut line));
                    line.push(last);
                    used = last.width().unwrap_or(0);
                } else {
                    out.push(std::mem::take(&mut line).trim_end().to_string());
                    used = 0;
                    if c == ' ' {
                        continue;
                    }
                }
            }
            line.push(c);
            used += w;
        }
        flush_word(&mut line, &mut used, &mut word, &mut word_w, &mut out);
        out.push(line.trim_end().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_removes_escapes_and_controls() {
        assert_eq!(sanitize("长沙\u{1b}[31m红\u{1b}[0m"), "长沙红");
        assert_eq!(sanitize("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(sanitize("a\u{1b}]8;;http://x\u{1b}\\b"), "ab");
        assert_eq!(sanitize("x\u{0}y\r\nz\u{9b}2Jw"), "xy\nzw");
        assert_eq!(sanitize("行\t列"), "行\t列");
    }

    #[test]
    fn width_counts_chinese_as_two() {
        assert_eq!(width("长沙"), 4);
        assert_eq!(width("ab长"), 4);
    }

    #[test]
    fn truncate_by_columns() {
        assert_eq!(truncate("花垣县边城镇", 7), "花垣县…");
        assert_eq!(truncate("花垣县边城镇", 12), "花垣县边城镇");
        assert_eq!(width(&truncate("a花垣县边城镇", 6)), 6);
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn wrap_by_columns_with_punctuation_rule() {
        let lines = wrap("一二三四五,六七", 10);
        // ',' may not start a line: '五' moves down with it.
        assert_eq!(lines, vec!["一二三四", "五,六七"]);
        let lines = wrap("一二三四五\u{ff0c}六七", 10);
        assert_eq!(
            lines,
            vec!["一二三四", "五\u{ff0c}六七"],
            "full-width comma too"
        );
        for l in wrap("湘西州花垣县边城镇地处湘渝黔三省市交界", 7) {
            assert!(width(&l) <= 7, "{l}");
        }
        assert_eq!(wrap("hello world foo", 11), vec!["hello world", "foo"]);
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
        assert_eq!(wrap("GDP达到1200亿元", 8), vec!["GDP达到", "1200亿元"]);
    }

    #[test]
    fn table_aligns_chinese() {
        let t = table(
            &["name", "n"],
            &[
                vec!["长沙".into(), "1".into()],
                vec!["abc".into(), "22".into()],
            ],
            &[1],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[1], "长沙   1");
        assert_eq!(lines[2], "abc   22");
    }
}
