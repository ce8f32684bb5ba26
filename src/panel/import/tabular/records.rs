//! What a table holds, told by its header row (the English column ids or
//! their Chinese names; a header cell like "value (分值)" matches on either
//! part): score sheets, investment plans and actuals, prior decisions.

use super::super::{ImportError, Located, Origin, Record};
use super::{Table, parse_number};
use crate::base::i18n::say;
use crate::domain::*;
use std::collections::BTreeMap;

/// A column: its id and the Chinese names it may go by.
struct Col(&'static str, &'static [&'static str]);

const SCORE_COLS: &[Col] = &[
    Col("round", &["轮次"]),
    Col("member", &["评审专家", "专家"]),
    Col("application", &["申报主体", "申报编号"]),
    Col("criterion", &["评分项", "指标"]),
    Col("value", &["分值", "得分"]),
    Col("comment", &["评语", "意见"]),
    Col("status", &["状态"]),
];

const PROJECT_COLS: &[Col] = &[
    Col("application", &["申报主体", "申报编号"]),
    Col("project", &["项目名称", "项目"]),
    Col("category", &["类别"]),
    Col("status", &["建设状态", "状态"]),
    Col("total", &["总投资"]),
];

const ACTUAL_COLS: &[Col] = &[
    Col(
        "application",
        &["申报主体", "申报编号", "申报主体编号", "试点"],
    ),
    Col("year", &["年度", "年份"]),
    Col("actual", &["实际完成投资", "实际投资", "完成投资"]),
];

const PRIOR_COLS: &[Col] = &[
    Col("id", &["编号"]),
    Col("programme", &["项目类别", "计划"]),
    Col("round", &["轮次"]),
    Col("kind", &["类型"]),
    Col("year", &["年度"]),
    Col("decided_on", &["决定日期"]),
    Col("applicant", &["申报主体"]),
    Col("tier", &["层级"]),
    Col("prefecture", &["市州"]),
    Col("flags", &["标记"]),
    Col("outcome", &["结果"]),
    Col("grade", &["等次"]),
    Col("score", &["综合得分", "得分"]),
    Col("rank", &["排名"]),
    Col("rationale", &["理由", "评审意见"]),
    Col("decided_by", &["决定机关"]),
];

/// Maps header cells to column ids; unknown headers map to None.
fn header_ids(header: &[String], cols: &[Col]) -> Vec<Option<&'static str>> {
    header
        .iter()
        .map(|h| {
            let h = h.trim_start_matches('\u{feff}').trim();
            let parts: Vec<&str> = h
                .split(['(', ')', '(', ')'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            cols.iter()
                .find(|c| {
                    parts
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(c.0) || c.1.contains(p))
                })
                .map(|c| c.0)
        })
        .collect()
}

fn has_all(ids: &[Option<&str>], required: &[&str]) -> bool {
    required.iter().all(|r| ids.contains(&Some(*r)))
}

/// A year column of an investment plan: "2017", "2017年", "y2017".
fn year_column(h: &str) -> Option<i32> {
    let h = h
        .trim()
        .trim_start_matches(['y', 'Y'])
        .trim_end_matches('年');
    h.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y))
}

struct Row<'a> {
    table: &'a str,
    line: usize,
    cells: BTreeMap<&'static str, &'a str>,
}

impl<'a> Row<'a> {
    fn origin(&self, field: &str) -> Origin {
        Origin::at(self.table, self.line).field(field)
    }
    fn text(&self, col: &str) -> &'a str {
        self.cells.get(col).copied().unwrap_or("")
    }
    fn required(&self, col: &str) -> Result<&'a str, ImportError> {
        let v = self.text(col);
        if v.is_empty() {
            Err(ImportError::new(
                self.origin(col),
                say(
                    "应有内容,实际为空单元格",
                    "expected a value, found an empty cell",
                ),
            ))
        } else {
            Ok(v)
        }
    }
    fn number(&self, col: &str) -> Result<Option<f64>, ImportError> {
        let v = self.text(col);
        if v.is_empty() {
            return Ok(None);
        }
        parse_number(v).map(Some).ok_or_else(|| {
            ImportError::new(
                self.origin(col),
                say(
                    format!("应为数字,如 21.5(用小数点,不用逗号),实际为 {v:?}"),
                    format!(
                        "expected a number such as 21.5 (decimal point, not comma), found {v:?}"
                    ),
                ),
            )
        })
    }
    fn integer(&self, col: &str) -> Result<Option<i64>, ImportError> {
        let v = self.text(col);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<i64>().map(Some).map_err(|_| {
            ImportError::new(
                self.origin(col),
                say(
                    format!("应为整数,实际为 {v:?}"),
                    format!("expected a whole number, found {v:?}"),
                ),
            )
        })
    }
}

fn rows<'a>(table: &'a Table, ids: &[Option<&'static str>]) -> Vec<Row<'a>> {
    table
        .rows
        .iter()
        .map(|(line, cells)| Row {
            table: &table.name,
            line: *line,
            cells: ids
                .iter()
                .zip(cells)
                .filter_map(|(id, c)| id.map(|id| (id, c.as_str())))
                .collect(),
        })
        .collect()
}

pub(super) fn table_records(table: Table) -> Result<Vec<Located>, Vec<ImportError>> {
    let scores = header_ids(&table.header, SCORE_COLS);
    if has_all(
        &scores,
        &["round", "member", "application", "criterion", "value"],
    ) {
        return score_sheet(&table, &scores);
    }
    let prior = header_ids(&table.header, PRIOR_COLS);
    if has_all(
        &prior,
        &["id", "programme", "kind", "year", "applicant", "prefecture"],
    ) {
        return prior_decisions(&table, &prior);
    }
    let projects = header_ids(&table.header, PROJECT_COLS);
    if has_all(&projects, &["application", "project", "total"]) {
        return investment_plan(&table, &projects);
    }
    let actuals = header_ids(&table.header, ACTUAL_COLS);
    if has_all(&actuals, &["application", "year", "actual"]) {
        return investment_actuals(&table, &actuals);
    }
    Err(vec![ImportError::new(
        Origin::at(&table.name, table.header_line),
        say(
            "无法识别的表头:应为评分表(轮次、评审专家、申报主体、评分项、分值)、\
             投资计划(申报主体、项目名称、总投资、2017、2018 …)、实际完成投资\
             (申报主体、年度、实际完成投资)或往期决定\
             (编号、项目类别、轮次、类型、年度、决定日期、申报主体、层级、市州 …);见 docs/formats.md",
            "unrecognised header: expected a score sheet (round, member, application, criterion, value), \
             an investment plan (application, project, total, 2017, 2018, …), investment actuals \
             (application, year, actual) or prior decisions \
             (id, programme, round, kind, year, decided_on, applicant, tier, prefecture, …); see docs/formats.md",
        ),
    )])
}

fn collect_errors<T>(items: Vec<Result<T, ImportError>>) -> Result<Vec<T>, Vec<ImportError>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok(v) => ok.push(v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// Reserved criterion names for the review's overall comment.
const OVERALL: &[&str] = &["overall", "总评"];

fn score_sheet(
    table: &Table,
    ids: &[Option<&'static str>],
) -> Result<Vec<Located>, Vec<ImportError>> {
    type Key = (String, String, String);
    let mut reviews: BTreeMap<Key, (Origin, ReviewSheet)> = BTreeMap::new();
    let mut errors = Vec::new();
    for row in rows(table, ids) {
        let parsed = (|| {
            let key = (
                row.required("round")?.to_string(),
                row.required("member")?.to_string(),
                row.required("application")?.to_string(),
            );
            let criterion = row.required("criterion")?;
            let status = match row.text("status") {
                "" => None,
                s => Some(ReviewStatus::parse(s).ok_or_else(|| {
                    ImportError::new(
                        row.origin("status"),
                        say(
                            format!("应为 draft(草稿)或 submitted(已提交),实际为 {s:?}"),
                            format!("expected draft or submitted, found {s:?}"),
                        ),
                    )
                })?),
            };
            let value = row.number("value")?;
            Ok::<_, ImportError>((key, criterion, status, value))
        })();
        let (key, criterion, status, value) = match parsed {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let entry = reviews.entry(key.clone()).or_insert_with(|| {
            (
                Origin::at(&table.name, row.line),
                ReviewSheet {
                    round: key.0.clone(),
                    member: key.1.clone(),
                    application: key.2.clone(),
                    status,
                    overall_comment: None,
                    scores: Vec::new(),
                },
            )
        });
        if entry.1.status != status {
            errors.push(ImportError::new(
                row.origin("status"),
                {
                    let first = entry.1.status.map(|s| s.as_str()).unwrap_or("none");
                    let found = status.map(|s| s.as_str()).unwrap_or("none");
                    say(
                        format!("此评分表每一行的状态应相同({first}),实际为 {found}"),
                        format!(
                            "expected the same status on every row of this review ({first}), found {found}"
                        ),
                    )
                },
            ));
            continue;
        }
        if OVERALL.contains(&criterion) {
            if value.is_some() {
                errors.push(ImportError::new(
                    row.origin("value"),
                    say(
                        "总评行的分值应为空",
                        "expected an empty value on the overall-comment row",
                    ),
                ));
            }
            entry.1.overall_comment = Some(row.text("comment").to_string());
            continue;
        }
        if entry.1.scores.iter().any(|s| s.criterion == criterion) {
            errors.push(ImportError::new(
                row.origin("criterion"),
                say(
                    format!("评分项 {criterion:?} 在此评分表中出现两次"),
                    format!("criterion {criterion:?} appears twice for this review"),
                ),
            ));
            continue;
        }
        entry.1.scores.push(Score {
            criterion: criterion.to_string(),
            value,
            comment: row.text("comment").to_string(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(reviews
        .into_values()
        .map(|(origin, review)| Located {
            origin,
            record: Record::Review(review),
        })
        .collect())
}

fn investment_plan(
    table: &Table,
    ids: &[Option<&'static str>],
) -> Result<Vec<Located>, Vec<ImportError>> {
    let years: Vec<(usize, i32)> = table
        .header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| year_column(h).map(|y| (i, y)))
        .collect();
    let mut plans: BTreeMap<String, (Origin, Vec<Project>)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (row, (_, raw)) in rows(table, ids).into_iter().zip(&table.rows) {
        let parsed = (|| {
            let app = row.required("application")?.to_string();
            let total = row.number("total")?.ok_or_else(|| {
                ImportError::new(
                    row.origin("total"),
                    say(
                        "应为项目总投资,实际为空单元格",
                        "expected the project's total investment, found an empty cell",
                    ),
                )
            })?;
            if total < 0.0 {
                return Err(ImportError::new(
                    row.origin("total"),
                    say("应为不小于 0 的金额", "expected an amount ≥ 0"),
                ));
            }
            let mut plan = BTreeMap::new();
            for (col, year) in &years {
                let cell = raw.get(*col).map(String::as_str).unwrap_or("").trim();
                if cell.is_empty() {
                    continue;
                }
                let amount = parse_number(cell)
                    .filter(|a| a.is_finite() && *a >= 0.0)
                    .ok_or_else(|| {
                        ImportError::new(
                            row.origin(&year.to_string()),
                            say(
                                format!("应为不小于 0 的金额,实际为 {cell:?}"),
                                format!("expected an amount ≥ 0, found {cell:?}"),
                            ),
                        )
                    })?;
                plan.insert(year.to_string(), amount);
            }
            Ok((
                app,
                Project {
                    name: row.required("project")?.to_string(),
                    category: row.text("category").to_string(),
                    status: row.text("status").to_string(),
                    total,
                    plan,
                },
            ))
        })();
        match parsed {
            Ok((app, project)) => plans
                .entry(app)
                .or_insert_with(|| (Origin::at(&table.name, row.line), Vec::new()))
                .1
                .push(project),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(plans
        .into_iter()
        .map(|(app, (origin, projects))| Located {
            origin,
            record: Record::Projects(app, projects),
        })
        .collect())
}

/// Actual investment a pilot completed in a year, one row per year.
fn investment_actuals(
    table: &Table,
    ids: &[Option<&'static str>],
) -> Result<Vec<Located>, Vec<ImportError>> {
    let parsed = rows(table, ids)
        .into_iter()
        .map(|row| {
            let app = row.required("application")?.to_string();
            let year = row
                .integer("year")?
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| {
                    ImportError::new(
                        row.origin("year"),
                        say("应为年份,如 2018", "expected a year such as 2018"),
                    )
                })?;
            let amount = row
                .number("actual")?
                .filter(|a| a.is_finite() && *a >= 0.0)
                .ok_or_else(|| {
                    ImportError::new(
                        row.origin("actual"),
                        say("应为不小于 0 的金额", "expected an amount ≥ 0"),
                    )
                })?;
            Ok(Located {
                origin: Origin::at(&table.name, row.line),
                record: Record::Actual { app, year, amount },
            })
        })
        .collect();
    collect_errors(parsed)
}

fn prior_decisions(
    table: &Table,
    ids: &[Option<&'static str>],
) -> Result<Vec<Located>, Vec<ImportError>> {
    let parsed = rows(table, ids)
        .into_iter()
        .map(|row| {
            let kind_text = row.required("kind")?;
            let kind = RoundKind::parse(kind_text).ok_or_else(|| {
                ImportError::new(
                    row.origin("kind"),
                    say(
                        format!("应为 selection(遴选)或 assessment(考核),实际为 {kind_text:?}"),
                        format!("expected selection or assessment, found {kind_text:?}"),
                    ),
                )
            })?;
            let year = row.integer("year")?.ok_or_else(|| {
                ImportError::new(
                    row.origin("year"),
                    say("应为年份,实际为空单元格", "expected a year, found an empty cell"),
                )
            })?;
            let decided_on_text = row.required("decided_on")?;
            let decided_on = crate::domain::date::parse(decided_on_text).ok_or_else(|| {
                ImportError::new(
                    row.origin("decided_on"),
                    say(
                        format!("应为日期,如 2016-12-15,实际为 {decided_on_text:?}"),
                        format!("expected a date such as 2016-12-15, found {decided_on_text:?}"),
                    ),
                )
            })?;
            let outcome = match row.text("outcome") {
                "" => None,
                o => Some(Outcome::parse(o).ok_or_else(|| {
                    ImportError::new(
                        row.origin("outcome"),
                        say(
                            format!(
                                "应为 selected(入选)、reserve(备选)或 not_selected(未入选),实际为 {o:?}"
                            ),
                            format!("expected selected, reserve or not_selected, found {o:?}"),
                        ),
                    )
                })?),
            };
            let grade = Some(row.text("grade").to_string()).filter(|g| !g.is_empty());
            if kind == RoundKind::Selection && outcome.is_none() {
                return Err(ImportError::new(
                    row.origin("outcome"),
                    say(
                        "遴选决定应为 selected(入选)、reserve(备选)或 not_selected(未入选)",
                        "expected selected, reserve or not_selected for a selection",
                    ),
                ));
            }
            if kind == RoundKind::Assessment && grade.is_none() {
                return Err(ImportError::new(
                    row.origin("grade"),
                    say("考核决定应有等次", "expected a grade for an assessment"),
                ));
            }
            let score = row.number("score")?;
            if let Some(s) = score
                && !(0.0..=100.0).contains(&s)
            {
                return Err(ImportError::new(
                    row.origin("score"),
                    say(
                        format!("应为 0 至 100 的得分,实际为 {s}"),
                        format!("expected a score from 0 to 100, found {s}"),
                    ),
                ));
            }
            let flags = row
                .text("flags")
                .split([';', ',', ' ', ';'])
                .filter(|f| !f.is_empty())
                .map(str::to_string)
                .collect();
            Ok(Located {
                origin: Origin::at(&table.name, row.line),
                record: Record::Prior(PriorDecision {
                    id: row.required("id")?.to_string(),
                    programme: row.required("programme")?.to_string(),
                    round: row.text("round").to_string(),
                    kind,
                    year: i32::try_from(year)
                        .ok()
                        .filter(|y| (1900..=2200).contains(y))
                        .ok_or_else(|| {
                            ImportError::new(
                                row.origin("year"),
                                say(
                                    format!("应为年份,实际为 {year}"),
                                    format!("expected a year, found {year}"),
                                ),
                            )
                        })?,
                    decided_on,
                    applicant: row.required("applicant")?.to_string(),
                    tier: row.required("tier")?.to_string(),
                    prefecture: row.required("prefecture")?.to_string(),
                    flags,
                    outcome,
                    grade,
                    score,
                    rank: row.integer("rank")?,
                    rationale: row.text("rationale").to_string(),
                    decided_by: row.text("decided_by").to_string(),
                }),
            })
        })
        .collect();
    collect_errors(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_english_or_chinese() {
        let header: Vec<String> = [
            "Round",
            "评审专家",
            "application (申报主体)",
            "评分项",
            "分值",
            "x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let ids = header_ids(&header, SCORE_COLS);
        assert_eq!(
            ids,
            vec![
                Some("round"),
                Some("member"),
                Some("application"),
                Some("criterion"),
                Some("value"),
                None
            ]
        );
    }

    #[test]
    fn year_columns() {
        assert_eq!(year_column("2017"), Some(2017));
        assert_eq!(year_column("2018年"), Some(2018));
        assert_eq!(year_column("y2019"), Some(2019));
        assert_eq!(year_column("total"), None);
    }
}
