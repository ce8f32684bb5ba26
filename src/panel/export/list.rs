//! The list as a document: the internal list (every application with its
//! outcome, score, rank, how it got its place, flags, recusals and the
//! reasons) and the public list (names by tier and region, no scores),
//! rendered as CSV, XLSX, JSON or Markdown.

use super::{AUDIT_HEAD_LABEL, Format, head_row, neutralise, sheet_name};
use crate::base::i18n::{Lang, name_in};
use crate::base::text::{sanitize, width};
use crate::domain::selection::Basis;
use crate::domain::*;
use crate::panel::tally::{Cell, Matrix, TierList};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ListLine {
    pub seq: usize,
    pub application: String,
    pub applicant: String,
    pub prefecture: String,
    pub tier: String,
    pub region: String,
    pub score: Option<f64>,
    pub rank: Option<usize>,
    pub outcome: String,
    pub basis: String,
    pub flags: Vec<String>,
    pub recusals: Vec<String>,
    pub remarks: String,
    /// Assessment lists: the grade, the deadline to rectify (for a warning)
    /// and investment completed against the year's plan.
    pub grade: String,
    pub due_on: String,
    pub completion: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierSheet {
    pub tier: String,
    pub name: String,
    pub quota: usize,
    pub lines: Vec<ListLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListDoc {
    pub call: String,
    pub doc_number: String,
    pub round: String,
    pub round_name: String,
    pub method: String,
    pub public: bool,
    /// An assessment round's results rather than a selection list.
    pub assessment: bool,
    pub tiers: Vec<TierSheet>,
    /// The audit chain's head when the list was exported, so that a
    /// history rewritten later is caught against the paper (`jury verify
    /// --anchor`). Set by whoever exports.
    pub audit_head: Option<String>,
}

/// Builds the document: per tier, selected lines, reserves, then every other
/// application with its reason (the public list: selected only, grouped by
/// region, without scores).
pub fn document(call: &Call, m: &Matrix, lists: &[TierList], public: bool, lang: Lang) -> ListDoc {
    let name_of = |id: &str| -> String { call.name_of(id, lang).unwrap_or_else(|| id.to_string()) };
    let tiers = lists
        .iter()
        .map(|list| {
            let tier = call.tier(&list.tier);
            let assessment = m.round.kind == RoundKind::Assessment;
            let mut chosen: Vec<&selection::Line> = list
                .lines
                .iter()
                .filter(|l| {
                    // The internal list and an assessment's results carry
                    // every line with its reason; the public list names the
                    // selected only.
                    !public || assessment || l.outcome == Outcome::Selected
                })
                .collect();
            if assessment {
                // Already in rank order, promotions last.
            } else if public {
                // Grouped by region in the call's order, then by name.
                let region_rank = |app: &str| {
                    let region = m
                        .rows
                        .iter()
                        .find(|r| r.app == app)
                        .map(|r| r.region.as_str())
                        .unwrap_or("");
                    call.regions
                        .iter()
                        .position(|r| r.id == region)
                        .unwrap_or(usize::MAX)
                };
                chosen.sort_by_key(|l| (region_rank(&l.app), l.app.clone()));
            } else {
                // Selected (direct inclusions first), reserves, the rest;
                // each in rank order, the unranked (ineligible, unscored)
                // after the ranked.
                let group = |o: Outcome| match o {
                    Outcome::Selected => 0,
                    Outcome::Reserve => 1,
                    _ => 2,
                };
                chosen.sort_by_key(|l| {
                    (
                        group(l.outcome),
                        l.basis != Some(Basis::Direct),
                        l.rank.is_none(),
                        l.rank,
                        l.app.clone(),
                    )
                });
            }
            let lines = chosen
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let row = m.rows.iter().find(|r| r.app == l.app);
                    let place = m.apps.get(&l.app);
                    let recusals = row
                        .map(|r| {
                            r.cells
                                .iter()
                                .zip(&m.reviewers)
                                .filter(|(c, _)| **c == Cell::Recused)
                                .map(|(_, mem)| mem.shown(lang))
                                .collect()
                        })
                        .unwrap_or_default();
                    let describe = |id: &str| m.label(call, id, lang);
                    ListLine {
                        seq: i + 1,
                        application: l.app.clone(),
                        applicant: m.app_name(&l.app),
                        prefecture: place.map(|p| name_of(&p.prefecture)).unwrap_or_default(),
                        tier: tier
                            .map(|t| name_in(lang, &t.name, &t.name_en).to_string())
                            .unwrap_or_default(),
                        region: place.map(|p| name_of(&p.region)).unwrap_or_default(),
                        score: if public {
                            None
                        } else {
                            l.score.map(|s| (s * 100.0).round() / 100.0)
                        },
                        rank: if public { None } else { l.rank },
                        outcome: l.outcome.label(lang).to_string(),
                        basis: l
                            .basis
                            .map(|b| b.label(lang).to_string())
                            .unwrap_or_default(),
                        flags: row
                            .map(|r| r.flags.iter().map(|f| name_of(f)).collect())
                            .unwrap_or_default(),
                        recusals: if public { Vec::new() } else { recusals },
                        remarks: if public {
                            String::new()
                        } else {
                            l.reasons
                                .iter()
                                .map(|r| r.describe(lang, &describe))
                                .collect::<Vec<_>>()
                                .join(lang.pick(";", "; "))
                        },
                        grade: l
                            .grade
                            .as_deref()
                            .map(|g| grade_label(call, &m.round, g, lang))
                            .unwrap_or_default(),
                        due_on: l.due_on.map(|d| d.to_string()).unwrap_or_default(),
                        completion: if public {
                            None
                        } else {
                            row.and_then(|r| r.completion)
                                .map(|c| (c * 1000.0).round() / 1000.0)
                        },
                    }
                })
                .collect();
            TierSheet {
                tier: list.tier.clone(),
                name: tier
                    .map(|t| name_in(lang, &t.name, &t.name_en).to_string())
                    .unwrap_or_default(),
                quota: list.rules.quota,
                lines,
            }
        })
        .collect();
    ListDoc {
        call: name_in(lang, &call.info.title, &call.info.title_en).to_string(),
        doc_number: call.info.doc_number.clone(),
        round: m.round.id.clone(),
        round_name: name_in(lang, &m.round.name, &m.round.name_en).to_string(),
        method: m.method.label(lang).to_string(),
        public,
        assessment: m.round.kind == RoundKind::Assessment,
        tiers,
        audit_head: None,
    }
}

/// A grade as decided (the band's Chinese name) in the interface language.
pub fn grade_label(call: &Call, round: &Round, grade: &str, lang: Lang) -> String {
    sanitize(&call.grade_name(&round.rubric, grade, lang))
}

fn headers(doc: &ListDoc, lang: Lang) -> Vec<&'static str> {
    match (doc.assessment, doc.public) {
        (false, true) => vec![
            lang.pick("序号", "No."),
            lang.pick("层级", "Tier"),
            lang.pick("区域", "Region"),
            lang.pick("申报主体", "Applicant"),
            lang.pick("市州", "Prefecture"),
        ],
        (false, false) => vec![
            lang.pick("序号", "No."),
            lang.pick("申报主体", "Applicant"),
            lang.pick("市州", "Prefecture"),
            lang.pick("层级", "Tier"),
            lang.pick("区域", "Region"),
            lang.pick("综合得分", "Score"),
            lang.pick("层级内排名", "Rank in tier"),
            lang.pick("结果", "Outcome"),
            lang.pick("入选方式", "Basis"),
            lang.pick("标记", "Flags"),
            lang.pick("回避", "Recusals"),
            lang.pick("备注", "Remarks"),
        ],
        (true, true) => vec![
            lang.pick("序号", "No."),
            lang.pick("层级", "Tier"),
            lang.pick("试点", "Pilot"),
            lang.pick("市州", "Prefecture"),
            lang.pick("考核等次", "Grade"),
            lang.pick("结果", "Outcome"),
        ],
        (true, false) => vec![
            lang.pick("序号", "No."),
            lang.pick("试点", "Pilot"),
            lang.pick("市州", "Prefecture"),
            lang.pick("层级", "Tier"),
            lang.pick("综合得分", "Score"),
            lang.pick("层级内排名", "Rank in tier"),
            lang.pick("考核等次", "Grade"),
            lang.pick("投资完成率", "Investment completed"),
            lang.pick("结果", "Outcome"),
            lang.pick("整改期限", "Rectify by"),
            lang.pick("回避", "Recusals"),
            lang.pick("备注", "Remarks"),
        ],
    }
}

/// Columns written as numbers in a workbook.
fn numeric_columns(doc: &ListDoc) -> &'static [usize] {
    match (doc.assessment, doc.public) {
        (_, true) => &[0],
        (false, false) => &[0, 5, 6],
        (true, false) => &[0, 4, 5],
    }
}

/// A row's cells, as text (numbers formatted once, the same everywhere).
fn cells(l: &ListLine, doc: &ListDoc, lang: Lang) -> Vec<String> {
    let sep = lang.pick("、", ", ");
    let score = l.score.map(|s| format!("{s:.2}")).unwrap_or_default();
    let rank = l.rank.map(|r| r.to_string()).unwrap_or_default();
    match (doc.assessment, doc.public) {
        (false, true) => vec![
            l.seq.to_string(),
            l.tier.clone(),
            l.region.clone(),
            l.applicant.clone(),
            l.prefecture.clone(),
        ],
        (false, false) => vec![
            l.seq.to_string(),
            l.applicant.clone(),
            l.prefecture.clone(),
            l.tier.clone(),
            l.region.clone(),
            score,
            rank,
            l.outcome.clone(),
            l.basis.clone(),
            l.flags.join(sep),
            l.recusals.join(sep),
            l.remarks.clone(),
        ],
        (true, true) => vec![
            l.seq.to_string(),
            l.tier.clone(),
            l.applicant.clone(),
            l.prefecture.clone(),
            l.grade.clone(),
            l.outcome.clone(),
        ],
        (true, false) => vec![
            l.seq.to_string(),
            l.applicant.clone(),
            l.prefecture.clone(),
            l.tier.clone(),
            score,
            rank,
            l.grade.clone(),
            l.completion
                .map(|c| format!("{:.0}%", c * 100.0))
                .unwrap_or_default(),
            l.outcome.clone(),
            l.due_on.clone(),
            l.recusals.join(sep),
            l.remarks.clone(),
        ],
    }
}

/// CSV in UTF-8 with a BOM and CRLF line ends, so Excel shows Chinese.
pub fn csv(doc: &ListDoc, lang: Lang) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(headers(doc, lang)).expect("in-memory write");
        for t in &doc.tiers {
            for l in &t.lines {
                let row: Vec<String> = cells(l, doc, lang).iter().map(|c| neutralise(c)).collect();
                w.write_record(&row).expect("in-memory write");
            }
        }
        if let Some(h) = &doc.audit_head {
            w.write_record(head_row(h, headers(doc, lang).len()))
                .expect("in-memory write");
        }
        w.flush().expect("in-memory write");
    }
    out
}

pub fn json(doc: &ListDoc) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(doc).expect("serializable");
    out.push(b'\n');
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(doc: &ListDoc, lang: Lang) -> Vec<u8> {
    let mut s = format!(
        "# {} · {}\n\n",
        md_escape(&doc.call),
        md_escape(&doc.round_name)
    );
    s.push_str(&format!(
        "{} {}",
        md_escape(&doc.doc_number),
        if doc.public { "" } else { "· " }
    ));
    if !doc.public {
        s.push_str(&format!(
            "{}{}",
            lang.pick("汇总方法:", "aggregation: "),
            doc.method
        ));
    }
    s.push_str("\n\n");
    let head = headers(doc, lang);
    for t in &doc.tiers {
        s.push_str(&format!("## {}\n\n", md_escape(&t.name)));
        if t.lines.is_empty() {
            s.push_str(lang.pick("(无)\n\n", "(none)\n\n"));
            continue;
        }
        s.push_str(&format!("| {} |\n", head.join(" | ")));
        s.push_str(&format!("|{}\n", "---|".repeat(head.len())));
        for l in &t.lines {
            let row: Vec<String> = cells(l, doc, lang).iter().map(|c| md_escape(c)).collect();
            s.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        s.push('\n');
    }
    if let Some(h) = &doc.audit_head {
        s.push_str(&format!("{AUDIT_HEAD_LABEL}: `{h}`\n"));
    }
    s.into_bytes()
}

/// XLSX: a summary sheet and a sheet per tier, each with a frozen header and
/// columns wide enough for their Chinese text. The document's creation time
/// is fixed so that the same list gives the same bytes.
pub fn xlsx(doc: &ListDoc, lang: Lang) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as XFormat, Workbook};
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let bold = XFormat::new().set_bold();
    let head = headers(doc, lang);

    let summary = book
        .add_worksheet()
        .set_name(lang.pick("汇总", "Summary"))?;
    let mut r = 0u32;
    for (k, v) in [
        (lang.pick("项目", "Call"), doc.call.clone()),
        (lang.pick("文号", "Document"), doc.doc_number.clone()),
        (lang.pick("轮次", "Round"), doc.round_name.clone()),
    ] {
        summary.write_string_with_format(r, 0, k, &bold)?;
        summary.write_string(r, 1, &v)?;
        r += 1;
    }
    if !doc.public {
        summary.write_string_with_format(r, 0, lang.pick("汇总方法", "Aggregation"), &bold)?;
        summary.write_string(r, 1, &doc.method)?;
        r += 1;
    }
    if let Some(h) = &doc.audit_head {
        summary.write_string_with_format(r, 0, AUDIT_HEAD_LABEL, &bold)?;
        summary.write_string(r, 1, h)?;
        r += 1;
    }
    r += 1;
    let (places, held) = if doc.assessment {
        (lang.pick("试点", "Pilots"), lang.pick("继续", "Going on"))
    } else {
        (lang.pick("名额", "Quota"), lang.pick("入选", "Selected"))
    };
    for (c, h) in [lang.pick("层级", "Tier"), places, held].iter().enumerate() {
        summary.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for t in &doc.tiers {
        r += 1;
        // Places held: selected (a selection list), or pilots that go on
        // (an assessment's results).
        let selected = t
            .lines
            .iter()
            .filter(|l| {
                [
                    Outcome::Selected,
                    Outcome::Continued,
                    Outcome::Warned,
                    Outcome::Promoted,
                ]
                .iter()
                .any(|o| o.label(lang) == l.outcome)
            })
            .count();
        summary.write_string(r, 0, &t.name)?;
        summary.write_number(r, 1, t.quota as f64)?;
        summary.write_number(r, 2, selected as f64)?;
    }
    summary.set_column_width(0, 14)?;
    summary.set_column_width(1, 40)?;

    for t in &doc.tiers {
        let sheet = book.add_worksheet().set_name(sheet_name(&t.name))?;
        let mut widths: Vec<usize> = head.iter().map(|h| width(h)).collect();
        for (c, h) in head.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, l) in t.lines.iter().enumerate() {
            let row = i as u32 + 1;
            for (c, cell) in cells(l, doc, lang).iter().enumerate() {
                widths[c] = widths[c].max(width(cell));
                let numeric = numeric_columns(doc).contains(&c);
                match cell.parse::<f64>() {
                    Ok(v) if numeric => sheet.write_number(row, c as u16, v)?,
                    _ => sheet.write_string(row, c as u16, neutralise(cell))?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        for (c, w) in widths.iter().enumerate() {
            // Excel's width unit is one digit; a Chinese character takes two.
            sheet.set_column_width(c as u16, (*w).clamp(4, 60) as f64 + 2.0)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

pub fn render(doc: &ListDoc, format: Format, lang: Lang) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Csv => csv(doc, lang),
        Format::Xlsx => xlsx(doc, lang)?,
        Format::Json => json(doc),
        Format::Md => markdown(doc, lang),
    })
}
