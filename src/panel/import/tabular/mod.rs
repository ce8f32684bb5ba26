//! Tables from CSV or XLSX: score sheets, investment plans and prior
//! decisions, recognised by their header row. Headers may be the English
//! column ids or their Chinese names; a header cell like
//! "value (分值)" matches on either part.

mod records;

use super::source::decode;
use super::{ImportError, Located, Origin, SourceFile};
use crate::base::i18n::say;
use records::table_records;

/// A table: its location label (file, or file#sheet), header and rows with
/// their 1-based line (CSV) or row (XLSX) numbers.
struct Table {
    name: String,
    header: Vec<String>,
    header_line: usize,
    rows: Vec<(usize, Vec<String>)>,
}

pub(super) fn parse_csv(file: &SourceFile) -> Result<Vec<Located>, Vec<ImportError>> {
    let text = decode(&file.name, &file.bytes).map_err(|e| vec![e])?;
    let delimiter = sniff_delimiter(&text, &file.name);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            let origin = match line {
                Some(l) => Origin::at(&file.name, l),
                None => Origin::file(&file.name),
            };
            vec![ImportError::new(
                origin,
                say(format!("CSV 格式有误:{e}"), format!("malformed CSV: {e}")),
            )]
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        rows.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
    }
    table_records(into_table(file.name.clone(), rows)?)
}

fn sniff_delimiter(text: &str, name: &str) -> u8 {
    if name.to_ascii_lowercase().ends_with(".tsv") {
        return b'\t';
    }
    let first = text.lines().next().unwrap_or("");
    if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    }
}

fn into_table(name: String, rows: Vec<(usize, Vec<String>)>) -> Result<Table, Vec<ImportError>> {
    let too_long: Vec<ImportError> = rows
        .iter()
        .flat_map(|(line, cells)| {
            cells
                .iter()
                .enumerate()
                .filter(|(_, c)| c.len() > super::MAX_FIELD_BYTES)
                .map(|(col, c)| {
                    let header = rows
                        .first()
                        .and_then(|(_, h)| h.get(col))
                        .filter(|h| h.len() <= 64)
                        .cloned()
                        .unwrap_or_else(|| {
                            say(format!("第 {} 列", col + 1), format!("column {}", col + 1))
                        });
                    super::field_too_long(Origin::at(&name, *line).field(header), c.len())
                })
        })
        .collect();
    if !too_long.is_empty() {
        return Err(too_long);
    }
    // The audit chain's head that every export ends with is not data.
    let mut rows = rows.into_iter().filter(|(_, cells)| {
        cells.iter().any(|c| !c.is_empty())
            && !cells
                .first()
                .is_some_and(|c| c.starts_with(crate::panel::export::AUDIT_HEAD_LABEL))
    });
    let Some((header_line, header)) = rows.next() else {
        return Err(vec![ImportError::new(
            Origin::file(&name),
            say("空表:应有表头行", "empty table: expected a header row"),
        )]);
    };
    Ok(Table {
        name,
        header,
        header_line,
        rows: rows.collect(),
    })
}

pub(super) fn parse_workbook(file: &SourceFile) -> Result<Vec<Located>, Vec<ImportError>> {
    use calamine::{Data, Reader};
    let cursor = std::io::Cursor::new(file.bytes.clone());
    // What is wrong with the workbook as a whole.
    let whole =
        |zh: String, en: String| vec![ImportError::new(Origin::file(&file.name), say(zh, en))];
    let mut book = calamine::open_workbook_auto_from_rs(cursor).map_err(|e| {
        whole(
            format!("应为 Excel 工作簿:{e}"),
            format!("expected an Excel workbook: {e}"),
        )
    })?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).map_err(|e| {
            whole(
                format!("无法读取工作表 {sheet}:{e}"),
                format!("cannot read sheet {sheet}: {e}"),
            )
        })?;
        if range.is_empty() {
            continue;
        }
        let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let rows: Vec<(usize, Vec<String>)> = range
            .rows()
            .enumerate()
            .map(|(i, row)| {
                let cells = row
                    .iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::String(s) => s.trim().to_string(),
                        Data::Float(f) => format_number(*f),
                        Data::Int(i) => i.to_string(),
                        Data::Bool(b) => b.to_string(),
                        Data::DateTime(d) => d
                            .as_datetime()
                            .map(|dt| dt.date().to_string())
                            .unwrap_or_else(|| d.to_string()),
                        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                        Data::Error(e) => format!("#{e:?}"),
                    })
                    .collect();
                (first_row + i + 1, cells)
            })
            .collect();
        let name = format!("{}#{sheet}", file.name);
        match into_table(name, rows).and_then(table_records) {
            Ok(mut r) => out.append(&mut r),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A number as people type it: "21.5", "1,200" (thousands separators only
/// where they group exactly three digits). "8,5" is refused rather than read
/// as 85.
pub(crate) fn parse_number(v: &str) -> Option<f64> {
    let v = v.trim();
    let plain = if v.contains(',') {
        let (int, frac) = v.split_once('.').map_or((v, None), |(i, f)| (i, Some(f)));
        let digits = int.trim_start_matches(['-', '+']);
        let groups: Vec<&str> = digits.split(',').collect();
        let grouped = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
        if !grouped {
            return None;
        }
        let mut s = int.replace(',', "");
        if let Some(f) = frac {
            s.push('.');
            s.push_str(f);
        }
        s
    } else {
        v.to_string()
    };
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_separators() {
        assert_eq!(parse_number("21.5"), Some(21.5));
        assert_eq!(parse_number("1,200"), Some(1200.0));
        assert_eq!(parse_number("12,345.5"), Some(12345.5));
        assert_eq!(
            parse_number("8,5"),
            None,
            "a decimal comma is refused, not read as 85"
        );
        assert_eq!(parse_number("1,20"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("abc"), None);
    }
}
