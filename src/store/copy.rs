//! `jury copy FROM TO`: a whole panel from one database into an empty one,
//! whatever the engines (SQLite → PostgreSQL, PostgreSQL → a SQLite file,
//! …), every row and the audit chain as they are, in one transaction on the
//! target. The canonical row JSON is the same on both engines, so the copied
//! chain verifies where it lands.

use super::sql::{Param, Value, args};
use super::{Result, Store, StoreError};
use crate::base::i18n::say;

/// Every table of the schema, parents first, with the columns copied and
/// the order rows are read in (the order criteria were written in is kept:
/// `scores` by its rowid, which each engine assigns anew in insert order).
const TABLES: &[(&str, &str, &str)] = &[
    ("calls", "id, definition", "id"),
    (
        "rounds",
        "id, call_id, kind, name, name_en, rubric, deadline, state, year, midterm",
        "id",
    ),
    (
        "applications",
        "id, call_id, name, name_en, tier, prefecture, region, flags, submitted_on, route, \
         government_approval, contact, leading_group_head, leading_group_principal, sections, \
         indicators",
        "id",
    ),
    (
        "projects",
        "application_id, seq, name, category, status, total, plan",
        "application_id, seq",
    ),
    (
        "members",
        "id, name, name_en, department, home_prefecture, roles",
        "id",
    ),
    (
        "conflicts",
        "member_id, application_id, reason",
        "member_id, application_id",
    ),
    (
        "assignments",
        "round_id, member_id, application_id",
        "round_id, member_id, application_id",
    ),
    (
        "reviews",
        "round_id, member_id, application_id, status, overall_comment, entered_by",
        "round_id, member_id, application_id",
    ),
    (
        "scores",
        "round_id, member_id, application_id, criterion_id, value, comment",
        "rowid",
    ),
    (
        "audit_log",
        "seq, at, actor, entity, key, old, new, prev_hash, hash",
        "seq",
    ),
    (
        "edit_buffers",
        "round_id, member_id, application_id, criterion_id, text, updated_at",
        "round_id, member_id, application_id, criterion_id",
    ),
    (
        "exports",
        "id, round_id, format, public, path, sha256",
        "id",
    ),
    (
        "deliberations",
        "round_id, application_id, discussed, note",
        "round_id, application_id",
    ),
    (
        "revisits",
        "round_id, member_id, application_id, note, open",
        "round_id, member_id, application_id",
    ),
    ("member_secrets", "member_id, phc, initial", "member_id"),
    (
        "decisions",
        "round_id, application_id, outcome, grade, score, due_on, rationale, decided_by, \
         decided_at, facts",
        "round_id, application_id",
    ),
    (
        "prior_decisions",
        "id, programme, round, kind, year, decided_on, applicant, tier, prefecture, flags, \
         outcome, grade, score, rank, rationale, decided_by",
        "id",
    ),
    (
        "overrides",
        "round_id, application_id, outcome, reason",
        "round_id, application_id",
    ),
    (
        "investment_actuals",
        "application_id, year, amount",
        "application_id, year",
    ),
    ("anchors", "entry, hash, recorded_at, recorded_by", "id"),
];

fn param(v: &Value) -> Param<'_> {
    match v {
        Value::Null => Param::Null,
        Value::Int(n) => Param::Int(*n),
        Value::Real(x) => Param::Real(*x),
        Value::Text(s) => Param::Text(s),
    }
}

/// How many rows of each table were copied.
pub type Copied = Vec<(&'static str, usize)>;

impl Store {
    /// Copies this whole panel into `target`, which must hold none (no
    /// call, no audit entry). All or nothing.
    pub fn copy_into(&self, target: &mut Store) -> Result<Copied> {
        self.require_reads_all("copy")?;
        let (src, dst) = (self.db(), target.db());
        let held: i64 = dst
            .value("SELECT count(*) FROM audit_log", args![])?
            .unwrap_or(0)
            + dst
                .value("SELECT count(*) FROM calls", args![])?
                .unwrap_or(0);
        if held > 0 {
            return Err(StoreError::Refused(say(
                format!(
                    "{}:目标数据库已有数据;复制只写入空的数据库。",
                    target.path().display()
                ),
                format!(
                    "{}: the target already holds a panel; copy writes into an empty database only.",
                    target.path().display()
                ),
            )));
        }
        target
            .write_raw(|dst| {
                let mut copied = Vec::new();
                for (table, cols, order) in TABLES {
                    let n = cols.split(',').count();
                    let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
                    let insert =
                        format!("INSERT INTO {table} ({cols}) VALUES ({})", marks.join(", "));
                    let mut count = 0;
                    src.for_each(
                        &format!("SELECT {cols} FROM {table} ORDER BY {order}"),
                        args![],
                        |row| {
                            let params: Vec<Param<'_>> =
                                (0..n).map(|i| param(row.value(i))).collect();
                            dst.execute(&insert, &params)?;
                            count += 1;
                            Ok(())
                        },
                    )?;
                    copied.push((*table, count));
                }
                // The search index is derived: made afresh, not copied.
                super::search_index::rebuild(dst)?;
                Ok(copied)
            })
            .and_then(|copied| target.refresh_statistics().map(|()| copied))
    }
}
