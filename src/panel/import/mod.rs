//! `jury import`: files in documented, human-editable formats (TOML for
//! structured records; CSV in UTF-8, UTF-16 or GBK, and XLSX for tables)
//! become one all-or-nothing transaction. Every error names the file, the
//! line or field, and what was expected; on any error nothing is written.

mod source;
mod tabular;
mod toml_files;

pub use source::{SourceFile, collect};

use crate::base::i18n::say;
use crate::domain::*;
use crate::store::{ChangeLog, Store, StoreError};
use std::fmt;

/// Where a record came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: Option<usize>,
    pub field: Option<String>,
}

impl Origin {
    pub fn file(file: &str) -> Origin {
        Origin {
            file: file.to_string(),
            line: None,
            field: None,
        }
    }
    pub fn at(file: &str, line: usize) -> Origin {
        Origin {
            file: file.to_string(),
            line: Some(line),
            field: None,
        }
    }
    pub fn field(mut self, field: impl Into<String>) -> Origin {
        self.field = Some(field.into());
        self
    }
}

/// An import error: where, and what was expected. The message is composed
/// in the process's language (`i18n::say`); the "FILE:LINE: field F:"
/// prefix names the file and the column or key as written, in both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub origin: Origin,
    pub message: String,
}

impl ImportError {
    pub fn new(origin: Origin, message: impl Into<String>) -> ImportError {
        ImportError {
            origin,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin.file)?;
        if let Some(line) = self.origin.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.origin.field {
            write!(f, ": field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}

/// One parsed record, before it reaches the store.
#[derive(Debug, Clone)]
pub enum Record {
    Call(Box<Call>, Vec<Round>),
    Member(Member),
    Application(Box<Application>),
    Projects(String, Vec<Project>),
    /// A pilot's actual investment in a year.
    Actual {
        app: String,
        year: i32,
        amount: f64,
    },
    Conflict(Conflict),
    Assignment(Assignment),
    Review(ReviewSheet),
    Prior(PriorDecision),
}

impl Record {
    /// Records apply in this order, so that references point backwards:
    /// calls, then members, applications, plans, the panel's links, scores.
    fn phase(&self) -> u8 {
        match self {
            Record::Call(..) => 0,
            Record::Member(_) => 1,
            Record::Application(_) => 2,
            Record::Projects(..) | Record::Actual { .. } => 3,
            Record::Conflict(_) => 4,
            Record::Assignment(_) => 5,
            Record::Review(_) => 6,
            Record::Prior(_) => 7,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Located {
    pub origin: Origin,
    pub record: Record,
}

/// Progress of a long import, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    Parsed { done: usize, total: usize },
    Applied { done: usize, total: usize },
}

/// Parses every file; returns all records in apply order, or every error found.
pub fn parse(
    files: &[SourceFile],
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Located>, Vec<ImportError>> {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, file) in files.iter().enumerate() {
        match parse_file(file) {
            Ok(mut r) => records.append(&mut r),
            Err(mut e) => errors.append(&mut e),
        }
        progress(Progress::Parsed {
            done: i + 1,
            total: files.len(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    check_duplicates(&records)?;
    records.sort_by_key(|r| r.record.phase());
    Ok(records)
}

/// The largest file an import reads: far above any real call, panel or
/// score sheet, and low enough that a stray dump cannot exhaust memory.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The longest single field (a work-plan section, a comment, a cell). The
/// longest section in the sample is under 2,000 characters.
pub const MAX_FIELD_BYTES: usize = 256 * 1024;

/// The error for a field over [`MAX_FIELD_BYTES`].
pub(crate) fn field_too_long(origin: Origin, len: usize) -> ImportError {
    ImportError::new(origin, {
        let (max, found) = (MAX_FIELD_BYTES / 1024, len.div_ceil(1024));
        say(
            format!("应为一个字段不超过 {max} KiB 的文字,实际为 {found} KiB"),
            format!("expected at most {max} KiB of text in one field, found {found} KiB"),
        )
    })
}

fn parse_file(file: &SourceFile) -> Result<Vec<Located>, Vec<ImportError>> {
    if file.bytes.len() > MAX_FILE_BYTES {
        return Err(vec![ImportError::new(Origin::file(&file.name), {
            let max = MAX_FILE_BYTES / (1024 * 1024);
            let found = file.bytes.len().div_ceil(1024 * 1024);
            say(
                format!("应为不超过 {max} MiB 的文件,实际为 {found} MiB"),
                format!("expected a file of at most {max} MiB, found {found} MiB"),
            )
        })]);
    }
    let lower = file.name.to_ascii_lowercase();
    if lower.ends_with(".toml") {
        toml_files::parse(file)
    } else if lower.ends_with(".csv") || lower.ends_with(".tsv") || lower.ends_with(".txt") {
        tabular::parse_csv(file)
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || lower.ends_with(".xls") {
        tabular::parse_workbook(file)
    } else {
        Err(vec![ImportError::new(
            Origin::file(&file.name),
            say(
                "应为 .toml、.csv 或 .xlsx 文件",
                "expected a .toml, .csv or .xlsx file",
            ),
        )])
    }
}

/// The same id twice in one import is a mistake, not an update.
fn check_duplicates(records: &[Located]) -> Result<(), Vec<ImportError>> {
    let mut seen: std::collections::HashMap<String, &Origin> = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for r in records {
        let key = match &r.record {
            Record::Call(c, _) => say(format!("通知 {}", c.info.id), format!("call {}", c.info.id)),
            Record::Member(m) => say(format!("成员 {}", m.id), format!("member {}", m.id)),
            Record::Application(a) => {
                say(format!("申报 {}", a.id), format!("application {}", a.id))
            }
            Record::Projects(a, _) => {
                say(format!("{a} 的投资计划"), format!("investment plan of {a}"))
            }
            Record::Actual { app, year, .. } => say(
                format!("{app} {year} 年的实际投资"),
                format!("actual investment of {app} in {year}"),
            ),
            Record::Review(v) => {
                let key = format!("{}/{}/{}", v.round, v.member, v.application);
                say(format!("评分表 {key}"), format!("review {key}"))
            }
            Record::Prior(p) => say(
                format!("往期决定 {}", p.id),
                format!("prior decision {}", p.id),
            ),
            Record::Conflict(c) => {
                let key = format!("{}/{}", c.member, c.application);
                say(format!("回避声明 {key}"), format!("conflict {key}"))
            }
            Record::Assignment(_) => continue,
        };
        if let Some(first) = seen.get(&key) {
            let at = match first.line {
                Some(l) => format!("{}:{l}", first.file),
                None => first.file.clone(),
            };
            errors.push(ImportError::new(
                r.origin.clone(),
                say(
                    format!("{key} 重复定义(首次出现在 {at})"),
                    format!("{key} is defined twice (first at {at})"),
                ),
            ));
        } else {
            seen.insert(key, &r.origin);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone)]
pub struct Report {
    pub files: usize,
    pub records: usize,
    pub changes: ChangeLog,
    pub dry_run: bool,
}

#[derive(Debug)]
pub enum Failure {
    Invalid(Vec<ImportError>),
    Store(StoreError),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Invalid(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            Failure::Store(e) => write!(f, "{e}"),
        }
    }
}

/// Parses `files` and applies them in one transaction (rolled back when
/// `dry_run`). On any error the database is left as it was.
pub fn run(
    store: &mut Store,
    files: &[SourceFile],
    actor: &str,
    dry_run: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, Failure> {
    run_restricted(store, files, actor, dry_run, None, progress)
}

/// [`run`], for a reviewer when `only_member` is given: every record must be
/// a review of theirs (a reviewer imports only their own score sheets).
pub fn run_restricted(
    store: &mut Store,
    files: &[SourceFile],
    actor: &str,
    dry_run: bool,
    only_member: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, Failure> {
    let records = parse(files, progress).map_err(Failure::Invalid)?;
    if let Some(member) = only_member {
        let foreign: Vec<ImportError> = records
            .iter()
            .filter(|r| !matches!(&r.record, Record::Review(v) if v.member == member))
            .map(|r| {
                ImportError::new(
                    r.origin.clone(),
                    say(
                        format!("评审专家只能导入本人的评分表:应为 {member} 的评分"),
                        format!(
                            "a reviewer imports only their own score sheets: expected reviews by {member}"
                        ),
                    ),
                )
            })
            .collect();
        if !foreign.is_empty() {
            return Err(Failure::Invalid(foreign));
        }
    }
    let total = records.len();
    let result = store.write(actor, !dry_run, |w| {
        let mut i = 0;
        // Records before this index go one at a time: a batch of them was
        // refused, and one by one the refused row is named by its origin.
        let mut singly_until = 0;
        while i < records.len() {
            // Prior decisions come in thousands: a run of them is written
            // in one batch, which checks every row before it writes any.
            let run = records[i..]
                .iter()
                .take(PRIOR_BATCH)
                .take_while(|r| matches!(r.record, Record::Prior(_)))
                .count();
            if run > 1 && i >= singly_until {
                let batch: Vec<PriorDecision> = records[i..i + run]
                    .iter()
                    .filter_map(|r| match &r.record {
                        Record::Prior(p) => Some(p.clone()),
                        _ => None,
                    })
                    .collect();
                match w.put_prior_decisions(&batch) {
                    Ok(_) => {
                        i += run;
                        progress(Progress::Applied { done: i, total });
                        continue;
                    }
                    Err(StoreError::Refused(_)) => singly_until = i + run,
                    Err(other) => return Err(other),
                }
            }
            let r = &records[i];
            apply(w, &r.record).map_err(|e| match e {
                StoreError::Refused(msg) => {
                    StoreError::Refused(ImportError::new(r.origin.clone(), msg).to_string())
                }
                other => other,
            })?;
            i += 1;
            progress(Progress::Applied { done: i, total });
        }
        Ok(())
    });
    match result {
        Ok(((), changes)) => Ok(Report {
            files: files.len(),
            records: total,
            changes,
            dry_run,
        }),
        Err(e) => Err(Failure::Store(e)),
    }
}

/// Prior decisions written in one batch at most.
const PRIOR_BATCH: usize = 5_000;

fn apply(w: &mut crate::store::Writer<'_>, record: &Record) -> Result<(), StoreError> {
    match record {
        Record::Call(call, rounds) => w.put_call(call, rounds).map(drop),
        Record::Member(m) => w.put_member(m).map(drop),
        Record::Application(a) => w.put_application(a).map(drop),
        Record::Projects(app, projects) => w.put_projects(app, projects).map(drop),
        Record::Actual { app, year, amount } => w.put_actual(app, *year, *amount).map(drop),
        Record::Conflict(c) => w.put_conflict(c).map(drop),
        Record::Assignment(a) => w.put_assignment(a).map(drop),
        Record::Review(r) => w.put_review(r),
        Record::Prior(p) => w.put_prior_decision(p).map(drop),
    }
}
