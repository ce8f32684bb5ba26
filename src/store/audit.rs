//! The audit chain. Every change to an audited table is appended to
//! `audit_log` with the row before and after, as canonical JSON, and a hash
//! over the entry and the previous entry's hash. `verify` recomputes the
//! chain and replays it against the tables, so an edit made behind jury's
//! back (a row changed in the sqlite3 shell) shows up as a mismatch.

use super::Result;
use super::sql::{Db, Param, Row, Value, args};
use crate::base::i18n::say;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A table whose every change is logged: its key columns and value columns.
pub(crate) struct Entity {
    pub name: &'static str,
    pub table: &'static str,
    pub key: &'static [&'static str],
    pub cols: &'static [&'static str],
}

pub(crate) const ROUND: Entity = Entity {
    name: "round",
    table: "rounds",
    key: &["id"],
    cols: &["kind", "rubric", "state", "midterm"],
};
pub(crate) const CONFLICT: Entity = Entity {
    name: "conflict",
    table: "conflicts",
    key: &["member_id", "application_id"],
    cols: &["reason"],
};
pub(crate) const ASSIGNMENT: Entity = Entity {
    name: "assignment",
    table: "assignments",
    key: &["round_id", "member_id", "application_id"],
    cols: &[],
};
pub(crate) const REVIEW: Entity = Entity {
    name: "review",
    table: "reviews",
    key: &["round_id", "member_id", "application_id"],
    cols: &["status", "overall_comment", "entered_by"],
};
pub(crate) const SCORE: Entity = Entity {
    name: "score",
    table: "scores",
    key: &["round_id", "member_id", "application_id", "criterion_id"],
    cols: &["value", "comment"],
};
pub(crate) const DECISION: Entity = Entity {
    name: "decision",
    table: "decisions",
    key: &["round_id", "application_id"],
    cols: &[
        "outcome",
        "grade",
        "rationale",
        "decided_by",
        "decided_at",
        "score",
        "due_on",
        "facts",
    ],
};
/// A pilot's actual investment in a year.
pub(crate) const ACTUAL: Entity = Entity {
    name: "actual",
    table: "investment_actuals",
    key: &["application_id", "year"],
    cols: &["amount"],
};
pub(crate) const PRIOR_DECISION: Entity = Entity {
    name: "prior_decision",
    table: "prior_decisions",
    key: &["id"],
    cols: &[
        "programme",
        "round",
        "kind",
        "year",
        "decided_on",
        "applicant",
        "tier",
        "prefecture",
        "flags",
        "outcome",
        "grade",
        "score",
        "rank",
        "rationale",
        "decided_by",
    ],
};

/// The facts that decide recusal (home prefecture, roles).
pub(crate) const MEMBER: Entity = Entity {
    name: "member",
    table: "members",
    key: &["id"],
    cols: &["name", "department", "home_prefecture", "roles"],
};
/// The facts that decide eligibility, recusal and balance (not the work-plan text).
pub(crate) const APPLICATION: Entity = Entity {
    name: "application",
    table: "applications",
    key: &["id"],
    cols: &[
        "call_id",
        "name",
        "tier",
        "prefecture",
        "region",
        "flags",
        "submitted_on",
        "route",
        "government_approval",
        "leading_group_principal",
    ],
};

pub(crate) const OVERRIDE: Entity = Entity {
    name: "override",
    table: "overrides",
    key: &["round_id", "application_id"],
    cols: &["outcome", "reason"],
};
pub(crate) const EXPORT: Entity = Entity {
    name: "export",
    table: "exports",
    key: &["id"],
    cols: &["round_id", "format", "public", "path", "sha256"],
};

pub(crate) const DELIBERATION: Entity = Entity {
    name: "deliberation",
    table: "deliberations",
    key: &["round_id", "application_id"],
    cols: &["discussed", "note"],
};
pub(crate) const REVISIT: Entity = Entity {
    name: "revisit",
    table: "revisits",
    key: &["round_id", "member_id", "application_id"],
    cols: &["note", "open"],
};

/// A member's passphrase hash (salted Argon2id, never the passphrase).
pub(crate) const PASSPHRASE: Entity = Entity {
    name: "passphrase",
    table: "member_secrets",
    key: &["member_id"],
    cols: &["phc", "initial"],
};

pub(crate) const AUDITED: &[&Entity] = &[
    &MEMBER,
    &APPLICATION,
    &ROUND,
    &CONFLICT,
    &ASSIGNMENT,
    &REVIEW,
    &SCORE,
    &DECISION,
    &PRIOR_DECISION,
    &OVERRIDE,
    &EXPORT,
    &DELIBERATION,
    &REVISIT,
    &PASSPHRASE,
    &ACTUAL,
];

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A cell as canonical JSON: the same whichever engine holds the row, so
/// that the chain verifies after a copy between engines.
fn value_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => (*i).into(),
        Value::Real(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Text(t) => t.clone().into(),
    }
}

/// The canonical JSON of a key: an array of its column values.
pub(crate) fn key_json(key: &[&str]) -> String {
    serde_json::to_string(key).expect("strings serialize")
}

fn select_sql(e: &Entity, with_key: bool) -> String {
    let mut cols: Vec<&str> = e.key.to_vec();
    cols.extend_from_slice(e.cols);
    let mut sql = format!("SELECT {} FROM {}", cols.join(", "), e.table);
    if with_key {
        let cond: Vec<String> = e
            .key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} = ?{}", i + 1))
            .collect();
        sql.push_str(&format!(" WHERE {}", cond.join(" AND ")));
    }
    sql
}

fn row_value(e: &Entity, row: &Row) -> Result<(String, String)> {
    let mut key = Vec::with_capacity(e.key.len());
    for i in 0..e.key.len() {
        // Keys are logged as text; a year key is an integer column.
        key.push(match row.value(i) {
            Value::Int(n) => n.to_string(),
            _ => row.get::<String>(i)?,
        });
    }
    let mut obj = serde_json::Map::new();
    for (j, col) in e.cols.iter().enumerate() {
        obj.insert(col.to_string(), value_json(row.value(e.key.len() + j)));
    }
    let refs: Vec<&str> = key.iter().map(String::as_str).collect();
    Ok((key_json(&refs), serde_json::Value::Object(obj).to_string()))
}

/// The row's canonical JSON, or None when there is no such row.
pub(crate) fn row_json(db: Db<'_>, e: &Entity, key: &[&str]) -> Result<Option<String>> {
    let params: Vec<Param<'_>> = key.iter().map(|k| Param::Text(k)).collect();
    let row = db.query_opt(&select_sql(e, true), &params)?;
    Ok(row.map(|r| row_value(e, &r)).transpose()?.map(|(_, v)| v))
}

/// The canonical JSON of the rows of a one-column-key entity with these
/// keys, by their key's JSON (`key_json`; absent rows are not in the map).
pub(crate) fn rows_json(
    db: Db<'_>,
    e: &Entity,
    keys: &[&str],
) -> Result<std::collections::HashMap<String, String>> {
    debug_assert_eq!(e.key.len(), 1, "rows_json reads one-column keys");
    let mut out = std::collections::HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(500) {
        let places: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "{} WHERE {} IN ({})",
            select_sql(e, false),
            e.key[0],
            places.join(", ")
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|k| Param::Text(k)).collect();
        for row in db.query(&sql, &params)? {
            let (key, json) = row_value(e, &row)?;
            out.insert(key, json);
        }
    }
    Ok(out)
}

/// Whether a logged row equals the row found. A column a later migration
/// added is absent from entries logged before it, and reads as NULL.
fn same_row(logged: &str, found: &str) -> bool {
    if logged == found {
        return true;
    }
    let parse = |s: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s);
    match (parse(logged), parse(found)) {
        (Ok(l), Ok(f)) => {
            l.keys().all(|k| f.contains_key(k))
                && f.iter()
                    .all(|(k, v)| l.get(k).unwrap_or(&serde_json::Value::Null) == v)
        }
        _ => false,
    }
}

/// The fields of one log entry, as hashed.
struct Entry<'a> {
    seq: i64,
    at: &'a str,
    actor: &'a str,
    entity: &'a str,
    key: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    prev: &'a str,
}

impl Entry<'_> {
    /// SHA-256 over the fields as a JSON array (unambiguous whatever the
    /// strings contain), chained through the previous entry's hash.
    fn hash(&self) -> String {
        let fields = serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.entity,
            self.key,
            self.old,
            self.new,
            self.prev
        ]);
        hex::encode(Sha256::digest(fields.to_string().as_bytes()))
    }
}

/// One entry for `append_many`.
pub(crate) struct Appended {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Appends entries in order, each chained to the one before, reading the
/// head once and inserting many rows per statement. Must run inside the
/// write transaction that made the changes.
pub(crate) fn append_many(
    db: Db<'_>,
    at: &str,
    actor: &str,
    entity: &str,
    entries: &[Appended],
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let last = db.query_opt("SELECT seq, hash FROM audit_head", args![])?;
    let (mut seq, mut prev) = match last {
        Some(r) => (r.get::<i64>(0)?, r.get::<String>(1)?),
        None => (0, GENESIS.to_string()),
    };
    // (seq, prev, hash) per entry, owned for the parameters to borrow.
    let mut chained = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let hash = Entry {
            seq,
            at,
            actor,
            entity,
            key: &e.key,
            old: e.old.as_deref(),
            new: e.new.as_deref(),
            prev: &prev,
        }
        .hash();
        chained.push((seq, prev, hash.clone()));
        prev = hash;
    }
    const PER_STATEMENT: usize = 200;
    for (entries, chained) in entries
        .chunks(PER_STATEMENT)
        .zip(chained.chunks(PER_STATEMENT))
    {
        let places: Vec<String> = (0..entries.len())
            .map(|r| {
                let p: Vec<String> = (1..=9).map(|c| format!("?{}", r * 9 + c)).collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, entity, key, old, new, prev_hash, hash) VALUES {}",
            places.join(", ")
        );
        let mut params: Vec<Param<'_>> = Vec::with_capacity(entries.len() * 9);
        for (e, (seq, prev, hash)) in entries.iter().zip(chained) {
            params.extend([
                Param::Int(*seq),
                Param::Text(at),
                Param::Text(actor),
                Param::Text(entity),
                Param::Text(&e.key),
                e.old.as_deref().map_or(Param::Null, Param::Text),
                e.new.as_deref().map_or(Param::Null, Param::Text),
                Param::Text(prev),
                Param::Text(hash),
            ]);
        }
        db.execute(&sql, &params)?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyProblem {
    pub kind: &'static str,
    /// What is wrong, without any value of the row (see `logged`/`found`).
    pub detail: String,
    /// The row concerned, when there is one: its entity and key (JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A mismatch's values, last logged and found: review content that a
    /// reader recused from the row's application must not be shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logged: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

impl VerifyProblem {
    fn new(kind: &'static str, detail: String) -> VerifyProblem {
        VerifyProblem {
            kind,
            detail,
            entity: None,
            key: None,
            logged: None,
            found: None,
        }
    }

    fn row(kind: &'static str, entity: &str, key: &str, detail: String) -> VerifyProblem {
        VerifyProblem {
            entity: Some(entity.to_string()),
            key: Some(key.to_string()),
            ..VerifyProblem::new(kind, detail)
        }
    }

    /// Whether the row's key names one of `apps` (an application id).
    pub fn concerns(&self, apps: &dyn Fn(&str) -> bool) -> bool {
        self.key
            .as_deref()
            .and_then(|k| serde_json::from_str::<Vec<String>>(k).ok())
            .is_some_and(|parts| parts.iter().any(|p| apps(p)))
    }

    /// A head hash given to `verify --anchor` that the chain lacks.
    pub fn anchor(detail: String) -> VerifyProblem {
        VerifyProblem::new("anchor", detail)
    }

    /// Drops the row's values.
    pub fn without_values(mut self) -> VerifyProblem {
        self.logged = None;
        self.found = None;
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub integrity: String,
    pub audit_entries: i64,
    pub rows_checked: usize,
    pub problems: Vec<VerifyProblem>,
    /// The chain's last entry and its hash: what an anchor records.
    pub head: Option<(i64, String)>,
    /// Anchors (`verify --record`) found intact in the chain.
    pub anchors_checked: usize,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the file's integrity, the chain's links, and that every audited
/// row is what the chain says it last became.
pub(crate) fn verify(db: Db<'_>) -> Result<VerifyReport> {
    let mut problems = Vec::new();
    let integrity = db.integrity()?;
    if integrity != "ok" {
        problems.push(VerifyProblem::new("integrity", integrity.clone()));
    }
    for (table, parent) in db.dangling_references()? {
        problems.push(VerifyProblem::new(
            "foreign_key",
            say(
                format!("{table} 的一行引用了 {parent} 中不存在的行"),
                format!("a row of {table} refers to a missing row of {parent}"),
            ),
        ));
    }

    // Walk the chain.
    let mut last: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1i64;
    let mut entries = 0i64;
    let mut hashes: BTreeMap<i64, String> = BTreeMap::new();
    db.for_each(
        "SELECT seq, at, actor, entity, key, old, new, prev_hash, hash
         FROM audit_log ORDER BY seq",
        args![],
        |r| {
            entries += 1;
            let seq: i64 = r.get(0)?;
            let at: String = r.get(1)?;
            let actor: String = r.get(2)?;
            let entity: String = r.get(3)?;
            let key: String = r.get(4)?;
            let old: Option<String> = r.get(5)?;
            let new: Option<String> = r.get(6)?;
            let prev: String = r.get(7)?;
            let hash: String = r.get(8)?;
            if seq != expected_seq {
                problems.push(VerifyProblem::new(
                    "chain",
                    say(
                        format!("缺少第 {expected_seq} 条记录(下一条为第 {seq} 条)"),
                        format!("entry {expected_seq} is missing (next is {seq})"),
                    ),
                ));
            }
            if prev != expected_prev {
                problems.push(VerifyProblem::new(
                    "chain",
                    say(
                        format!("第 {seq} 条记录未与前一条相链接"),
                        format!("entry {seq} does not link to the entry before it"),
                    ),
                ));
            }
            let computed = Entry {
                seq,
                at: &at,
                actor: &actor,
                entity: &entity,
                key: &key,
                old: old.as_deref(),
                new: new.as_deref(),
                prev: &prev,
            }
            .hash();
            if computed != hash {
                problems.push(VerifyProblem::row(
                    "chain",
                    &entity,
                    &key,
                    say(
                        format!("第 {seq} 条记录({entity} {key})写入后被改动"),
                        format!("entry {seq} ({entity} {key}) was altered after it was written"),
                    ),
                ));
            }
            hashes.insert(seq, hash.clone());
            expected_prev = hash;
            expected_seq = seq + 1;
            last.insert((entity, key), new);
            Ok(())
        },
    )?;

    // Replay against the tables.
    let mut rows_checked = 0;
    for e in AUDITED {
        let mut current: BTreeMap<String, String> = BTreeMap::new();
        db.for_each(&select_sql(e, false), args![], |r| {
            let (k, v) = row_value(e, r)?;
            current.insert(k, v);
            Ok(())
        })?;
        rows_checked += current.len();
        for (k, v) in &current {
            match last.get(&(e.name.to_string(), k.clone())) {
                None => problems.push(VerifyProblem::row(
                    "unlogged",
                    e.name,
                    k,
                    say(
                        format!("{} {k} 存在,但从未经 jury 写入", e.name),
                        format!("{} {k} exists but was never written through jury", e.name),
                    ),
                )),
                Some(None) => problems.push(VerifyProblem::row(
                    "unlogged",
                    e.name,
                    k,
                    say(
                        format!("{} {k} 已经 jury 删除,却又出现", e.name),
                        format!("{} {k} was deleted through jury but exists again", e.name),
                    ),
                )),
                Some(Some(logged)) if !same_row(logged, v) => problems.push(VerifyProblem {
                    logged: Some(logged.clone()),
                    found: Some(v.clone()),
                    ..VerifyProblem::row(
                        "mismatch",
                        e.name,
                        k,
                        say(
                            format!("{} {k} 与其最后一次记录的值不同", e.name),
                            format!("{} {k} differs from its last logged value", e.name),
                        ),
                    )
                }),
                _ => {}
            }
        }
        for ((entity, k), v) in &last {
            if entity == e.name && v.is_some() && !current.contains_key(k) {
                problems.push(VerifyProblem::row(
                    "missing",
                    entity,
                    k,
                    say(
                        format!("{entity} {k} 在日志中,但表中没有"),
                        format!("{entity} {k} is in the log but missing from the table"),
                    ),
                ));
            }
        }
    }

    // Heads recorded earlier must still be in the chain, at their place.
    let mut anchors_checked = 0;
    {
        for r in db.query("SELECT entry, hash FROM anchors ORDER BY id", args![])? {
            let entry: i64 = r.get(0)?;
            let hash: String = r.get(1)?;
            if hashes.get(&entry) == Some(&hash) {
                anchors_checked += 1;
            } else {
                problems.push(VerifyProblem::new(
                    "anchor",
                    say(
                        format!("在第 {entry} 条记录处记下的链头({hash})已不在链中:历史被改写"),
                        format!(
                            "the head recorded at entry {entry} ({hash}) is no longer in the chain: the history was rewritten"
                        ),
                    ),
                ));
            }
        }
    }
    let head = hashes.last_key_value().map(|(s, h)| (*s, h.clone()));

    Ok(VerifyReport {
        integrity,
        audit_entries: entries,
        rows_checked,
        problems,
        head,
        anchors_checked,
    })
}

#[cfg(test)]
mod tests {
    use super::same_row;

    #[test]
    fn columns_added_later_read_as_null_in_older_entries() {
        let old = r#"{"outcome":"selected","grade":null}"#;
        assert!(same_row(
            old,
            r#"{"outcome":"selected","grade":null,"score":null}"#
        ));
        // A value in the new column is a change the old entry does not cover.
        assert!(!same_row(
            old,
            r#"{"outcome":"selected","grade":null,"score":81.5}"#
        ));
        // Nor does a column the row no longer has, or a changed value.
        assert!(!same_row(
            r#"{"outcome":"selected","gone":1}"#,
            r#"{"outcome":"selected"}"#
        ));
        assert!(!same_row(old, r#"{"outcome":"reserve","grade":null}"#));
    }
}

/// A change to a fact that decides recusal (a member's home 市州 or roles,
/// a declared conflict, an application's 市州), made after scoring began
/// in a round: the secretary must see it, since it changes who may read
/// and score what (finding M5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecusalFactChange {
    pub entry: i64,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub key: String,
    /// "home_prefecture changsha → huaihua" and the like.
    pub what: String,
}

pub(crate) fn recusal_fact_changes(db: Db<'_>, round: &str) -> Result<Vec<RecusalFactChange>> {
    let prefix = format!(
        "[{}",
        serde_json::to_string(round).expect("a string serializes")
    );
    let first: Option<i64> = db
        .value(
            "SELECT min(seq) FROM audit_log WHERE entity IN ('score', 'review')
             AND substr(key, 1, length(CAST(?1 AS TEXT))) = CAST(?1 AS TEXT)",
            args![&prefix],
        )?
        .flatten();
    let Some(first) = first else {
        return Ok(Vec::new());
    };
    let rows = db.query(
        "SELECT seq, at, actor, entity, key, old, new FROM audit_log
         WHERE seq > ?1 AND entity IN ('member', 'conflict', 'application') ORDER BY seq",
        args![first],
    )?;
    let mut out = Vec::new();
    let field = |json: &Option<String>, name: &str| -> String {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .map(|v| match &v[name] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "—".to_string(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| "—".to_string())
    };
    for r in rows {
        let entity: String = r.get(3)?;
        let old: Option<String> = r.get(5)?;
        let new: Option<String> = r.get(6)?;
        let watched: &[&str] = match entity.as_str() {
            "member" => &["home_prefecture", "roles"],
            "application" => &["prefecture"],
            _ => &["reason"],
        };
        // A new member or application is not a change of facts relied on.
        if entity != "conflict" && old.is_none() {
            continue;
        }
        let what: Vec<String> = watched
            .iter()
            .filter(|f| entity == "conflict" || field(&old, f) != field(&new, f))
            .map(|f| match (&old, &new) {
                (None, _) if entity == "conflict" => format!("declared ({})", field(&new, f)),
                (_, None) if entity == "conflict" => "withdrawn".to_string(),
                _ => format!("{f} {} → {}", field(&old, f), field(&new, f)),
            })
            .collect();
        if what.is_empty() {
            continue;
        }
        out.push(RecusalFactChange {
            entry: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            entity,
            key: r.get(4)?,
            what: what.join("; "),
        });
    }
    Ok(out)
}
