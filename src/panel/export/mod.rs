//! Exports of the list: the internal list (every application with its
//! outcome, score, rank, how it got its place, flags, recusals and the
//! reasons: selected, reserve, not selected, below the minimum, ineligible)
//! and the public list (names by tier and region, no scores), as CSV,
//! XLSX, JSON or Markdown. Exports are deterministic: the same database
//! gives the same bytes. Also the per-member score sheet.

mod list;
mod sheet;

pub use list::{
    ListDoc, ListLine, TierSheet, csv, document, grade_label, json, markdown, render, xlsx,
};
pub use sheet::{rows_csv, rows_xlsx, score_sheet};

use crate::base::i18n::Lang;
use crate::domain::{Call, Member, Round};
use crate::panel::tally::{Matrix, TierList};
use crate::store::Store;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
    Md,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Md => "md",
        }
    }

    /// The format an output file's name asks for by its extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        [Format::Csv, Format::Xlsx, Format::Json, Format::Md]
            .into_iter()
            .find(|f| f.as_str() == ext)
    }
}

/// The list of a round (as the reader may see it: `m` and `lists` are
/// masked already) in `format`, naming the audit chain's `head` when it
/// was made.
pub fn list_file(
    call: &Call,
    m: &Matrix,
    lists: &[TierList],
    public: bool,
    format: Format,
    head: Option<&(i64, String)>,
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    let mut doc = document(call, m, lists, public, lang);
    doc.audit_head = head.map(head_text);
    render(&doc, format, lang)
}

/// `member`'s score sheet for `round` as `viewer` may read it, as CSV or
/// XLSX, closing with a row naming the audit chain's `head`.
pub fn score_sheet_file(
    store: &Store,
    viewer: Option<&Member>,
    round: &Round,
    member: &Member,
    format: Format,
    head: Option<&(i64, String)>,
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    let sight = crate::panel::sight::Sight::of(store, viewer, &round.id)?;
    let mut rows = score_sheet(store, round, member, &sight, lang)?;
    if let Some(h) = head {
        let width = rows.first().map_or(2, Vec::len);
        rows.push(head_row(&head_text(h), width));
    }
    match format {
        Format::Csv => Ok(rows_csv(&rows)),
        Format::Xlsx => rows_xlsx(&rows, &member.id),
        _ => anyhow::bail!(
            "{}",
            lang.pick(
                "评分表只能导出为 csv 或 xlsx",
                "a score sheet is csv or xlsx"
            )
        ),
    }
}

/// Writes an export atomically and logs it in the audit chain with its
/// SHA-256, which it returns: kept with the paper, the hash shows whether
/// a file is the one exported.
pub fn save(
    store: &mut Store,
    actor: &str,
    round: &str,
    kind: &str,
    public: bool,
    path: &Path,
    bytes: &[u8],
) -> anyhow::Result<String> {
    use sha2::Digest;
    crate::base::files::write_atomically(path, bytes)?;
    let sha = hex::encode(sha2::Sha256::digest(bytes));
    store.write(actor, true, |w| {
        w.record_export(round, kind, public, &path.display().to_string(), &sha)
    })?;
    Ok(sha)
}

/// How an export's last row names the audit chain's head when it was made
/// (the importer skips such a row).
pub const AUDIT_HEAD_LABEL: &str = "审计链头 audit chain head";

/// The closing row of a table export: the label, the head, then empty
/// cells to the table's width (strict CSV readers want equal rows).
pub fn head_row(head: &str, width: usize) -> Vec<String> {
    let mut row = vec![AUDIT_HEAD_LABEL.to_string(), head.to_string()];
    row.resize(width.max(2), String::new());
    row
}

/// The head as exports print it: entry number and hash.
pub fn head_text(head: &(i64, String)) -> String {
    format!("#{} {}", head.0, head.1)
}

/// A cell that a spreadsheet would run as a formula is neutralised with a
/// leading apostrophe (CSV injection).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Excel sheet names: at most 31 characters, none of []:*?/\ .
pub(crate) fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    if cleaned.is_empty() {
        "Sheet".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("长沙"), "长沙");
    }

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(sheet_name("县(县级市)"), "县(县级市)");
        assert_eq!(sheet_name("a/b"), "a_b");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
