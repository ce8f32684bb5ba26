//! How commands print: JSON (stable English keys, ids) for `--json`, else
//! text tables aligned by display width, with headers in the reader's
//! language.

use crate::base::i18n::Lang;
use serde::Serialize;

/// Prints `v` as pretty JSON on stdout: the one shape of every `--json`.
pub fn print_json(v: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// A column of a printed table: its header in both languages, and whether
/// its figures align right.
pub struct Col {
    zh: &'static str,
    en: &'static str,
    right: bool,
}

/// A column of text.
pub const fn col(zh: &'static str, en: &'static str) -> Col {
    Col {
        zh,
        en,
        right: false,
    }
}

/// A column of figures, aligned right.
pub const fn num(zh: &'static str, en: &'static str) -> Col {
    Col {
        zh,
        en,
        right: true,
    }
}

/// The rows under the columns' headers in `lang`.
pub fn table(lang: Lang, cols: &[Col], rows: &[Vec<String>]) -> String {
    let header: Vec<&str> = cols.iter().map(|c| lang.pick(c.zh, c.en)).collect();
    let right: Vec<usize> = (0..cols.len()).filter(|&i| cols[i].right).collect();
    crate::base::text::table(&header, rows, &right)
}
