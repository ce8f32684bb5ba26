//! A member's score sheet, as rows and as CSV or XLSX.

use super::{neutralise, sheet_name};
use crate::base::i18n::Lang;
use crate::base::text::width;
use crate::domain::*;

/// A member's score sheet: one row per criterion of each application they
/// may score (recused ones left out), plus an overall-comment row, filled
/// with what is stored. `jury import` takes it back. `sight` is the
/// exporter's: an application whose review by `member` the exporter may not
/// read (recused from it, or reviewing it blind themselves) is left out
/// whole, as on every screen (finding H1).
pub fn score_sheet(
    store: &crate::store::Store,
    round: &Round,
    member: &Member,
    sight: &crate::panel::sight::Sight,
    lang: Lang,
) -> crate::store::Result<Vec<Vec<String>>> {
    let call = store.call(&round.call)?.ok_or_else(|| {
        crate::store::StoreError::Corrupt(format!("round {} has no call", round.id))
    })?;
    let Some(rubric) = call.rubric(&round.rubric) else {
        return Err(crate::store::StoreError::Corrupt(format!(
            "round {} has no rubric",
            round.id
        )));
    };
    let reviews = store.reviews(&round.id)?;
    let mut rows = vec![vec![
        "round (轮次)".to_string(),
        "member (评审专家)".into(),
        "application (申报编号)".into(),
        "applicant_name (申报主体名称)".into(),
        "criterion (评分项)".into(),
        "criterion_name (评分项名称)".into(),
        "max_points (满分)".into(),
        "value (分值)".into(),
        "comment (评语)".into(),
        "status (状态)".into(),
    ]];
    for a in store
        .assignments(&round.id)?
        .iter()
        .filter(|a| a.member == member.id)
    {
        let Some(app) = store.application(&a.application)? else {
            continue;
        };
        if store.recusal(member, &app)?.is_some() {
            continue;
        }
        let review = reviews
            .iter()
            .find(|r| r.member == member.id && r.application == app.id);
        let readable = review.map_or(ReviewStatus::Draft, |r| r.status);
        if sight.recused(&app.id) || !sight.may_read(&app.id, &member.id, readable) {
            continue;
        }
        let status = review
            .map(|r| r.status.as_str())
            .unwrap_or("draft")
            .to_string();
        let name = app.shown(lang);
        for c in rubric.criteria_for(&app.tier) {
            let score = review.and_then(|r| r.scores.iter().find(|s| s.criterion == c.id));
            rows.push(vec![
                round.id.clone(),
                member.id.clone(),
                app.id.clone(),
                name.clone(),
                c.id.clone(),
                c.shown(lang),
                format!("{}", c.max),
                score
                    .and_then(|s| s.value)
                    .map(|v| format!("{v}"))
                    .unwrap_or_default(),
                score.map(|s| s.comment.clone()).unwrap_or_default(),
                status.clone(),
            ]);
        }
        rows.push(vec![
            round.id.clone(),
            member.id.clone(),
            app.id.clone(),
            name,
            "overall".into(),
            lang.pick("总体评语", "overall comment").into(),
            String::new(),
            String::new(),
            review
                .map(|r| r.overall_comment.clone())
                .unwrap_or_default(),
            status,
        ]);
    }
    Ok(rows)
}

/// Rows as CSV (UTF-8 with BOM, CRLF), cells neutralised.
pub fn rows_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for (i, r) in rows.iter().enumerate() {
            let cells: Vec<String> = if i == 0 {
                r.clone()
            } else {
                r.iter().map(|c| neutralise(c)).collect()
            };
            w.write_record(&cells).expect("in-memory write");
        }
        w.flush().expect("in-memory write");
    }
    out
}

/// Rows as a one-sheet XLSX with a frozen header (values stay text so that
/// an empty cell stays empty; the importer reads either).
pub fn rows_xlsx(rows: &[Vec<String>], sheet: &str) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as XFormat, Workbook};
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let ws = book.add_worksheet().set_name(sheet_name(sheet))?;
    let bold = XFormat::new().set_bold();
    let mut widths = vec![4usize; rows.first().map(Vec::len).unwrap_or(0)];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            widths[c] = widths[c].max(width(cell));
            if r == 0 {
                ws.write_string_with_format(0, c as u16, cell, &bold)?;
            } else if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, neutralise(cell))?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(60) as f64 + 2.0)?;
    }
    Ok(book.save_to_buffer()?)
}
