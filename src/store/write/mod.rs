//! Writes, inside one transaction opened by [`Store::write`](super::Store::write).
//! Each method checks the rules a write must keep (references exist, values
//! in range, no scores from a recused member) and refuses with a reason;
//! audited tables append to the chain as they change.

mod prior;
mod records;
mod scoring;
mod secretary;

pub use scoring::{Recovery, ScoringTarget};

use super::audit::{self, Entity};
use super::sql::Db;
use super::{Result, StoreError, read};
use crate::base::i18n::say;
use crate::domain::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// What one write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Updated,
    Unchanged,
}

impl Change {
    /// What a write did to a row, from its canonical JSON before and after.
    fn between(old: Option<&String>, new: Option<&String>) -> Change {
        match (old, new) {
            (a, b) if a == b => Change::Unchanged,
            (None, _) => Change::Inserted,
            _ => Change::Updated,
        }
    }
}

/// Counts of changes per kind of record, for reports and `--dry-run`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChangeLog {
    pub kinds: BTreeMap<String, ChangeCount>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCount {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl ChangeLog {
    fn note(&mut self, kind: &str, change: Change) {
        let c = self.kinds.entry(kind.to_string()).or_default();
        match change {
            Change::Inserted => c.inserted += 1,
            Change::Updated => c.updated += 1,
            Change::Unchanged => c.unchanged += 1,
        }
    }

    /// Whether anything was inserted or updated.
    pub fn changed(&self) -> bool {
        self.kinds.values().any(|c| c.inserted + c.updated > 0)
    }
}

pub struct Writer<'a> {
    db: Db<'a>,
    actor: String,
    at: String,
    log: ChangeLog,
}

/// Refuses a write with a reason, composed in the process's language
/// (`refuse(say(zh, en))`: see `i18n::say`).
fn refuse<T>(msg: impl Into<String>) -> Result<T> {
    Err(StoreError::Refused(msg.into()))
}

/// The reason for a reference to something not stored, in the process's
/// language: `FIELD: no KIND "ID"` (no prefix when `field` is empty).
fn missing(field: &str, kind_zh: &str, kind_en: &str, id: &str) -> String {
    let (zh, en) = if field.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("{field}:"), format!("{field}: "))
    };
    say(
        format!("{zh}找不到{kind_zh} {id:?}"),
        format!("{en}no {kind_en} {id:?}"),
    )
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain values serialize")
}

impl<'a> Writer<'a> {
    pub(crate) fn new(db: Db<'a>, actor: &str) -> Writer<'a> {
        Writer {
            db,
            actor: actor.to_string(),
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            log: ChangeLog::default(),
        }
    }

    pub(crate) fn into_log(self) -> ChangeLog {
        self.log
    }

    /// Runs `apply` on an audited row, logs the change if any, and counts it.
    fn audited(
        &mut self,
        e: &Entity,
        key: &[&str],
        apply: impl FnOnce(super::sql::Db<'_>) -> Result<usize>,
    ) -> Result<Change> {
        let change = self.logged(e, key, apply)?;
        self.log.note(e.name, change);
        Ok(change)
    }

    /// `audited` for an UPDATE or DELETE of a row known to exist: a
    /// statement that touched no row was refused by the server's row-level
    /// policies (they filter silently), and is reported as a refusal, never
    /// as success.
    fn audited_existing(
        &mut self,
        e: &Entity,
        key: &[&str],
        apply: impl FnOnce(super::sql::Db<'_>) -> Result<usize>,
    ) -> Result<Change> {
        let mut rows = 0;
        let change = self.logged(e, key, |db| {
            rows = apply(db)?;
            Ok(rows)
        })?;
        if rows == 0 {
            return Err(StoreError::Refused(crate::base::i18n::say(
                format!(
                    "服务器拒绝:您的角色无权更改这一行({} {});未做任何更改",
                    e.name,
                    key.join("/")
                ),
                format!(
                    "the server refused: your role may not change this row ({} {}); nothing was changed",
                    e.name,
                    key.join("/")
                ),
            )));
        }
        self.log.note(e.name, change);
        Ok(change)
    }

    /// Runs `apply` on an audited row and logs the change, if any, without
    /// counting it (for writes whose caller counts a larger record).
    fn logged(
        &mut self,
        e: &Entity,
        key: &[&str],
        apply: impl FnOnce(super::sql::Db<'_>) -> Result<usize>,
    ) -> Result<Change> {
        let old = audit::row_json(self.db(), e, key)?;
        apply(self.db())?;
        let new = audit::row_json(self.db(), e, key)?;
        let change = Change::between(old.as_ref(), new.as_ref());
        if change != Change::Unchanged {
            let entry = audit::Appended {
                key: audit::key_json(key),
                old,
                new,
            };
            audit::append_many(self.db(), &self.at, &self.actor, e.name, &[entry])?;
        }
        Ok(change)
    }

    /// `audited` for many rows of an entity with a one-column key, at
    /// once: the rows before and after are read in one statement each and
    /// the chain gets one entry per changed row, in the order of `keys`
    /// (which holds no key twice) — what one `audited` call per row would
    /// log.
    fn audited_many(
        &mut self,
        e: &Entity,
        keys: &[&str],
        apply: impl FnOnce(super::sql::Db<'_>) -> Result<()>,
    ) -> Result<Vec<Change>> {
        self.db().plan_each_statement()?;
        let old = audit::rows_json(self.db(), e, keys)?;
        apply(self.db())?;
        let new = audit::rows_json(self.db(), e, keys)?;
        let mut changes = Vec::with_capacity(keys.len());
        let mut entries = Vec::new();
        for key in keys {
            let key = audit::key_json(&[key]);
            let (before, after) = (old.get(&key), new.get(&key));
            let change = Change::between(before, after);
            if change != Change::Unchanged {
                entries.push(audit::Appended {
                    key,
                    old: before.cloned(),
                    new: after.cloned(),
                });
            }
            self.log.note(e.name, change);
            changes.push(change);
        }
        audit::append_many(self.db(), &self.at, &self.actor, e.name, &entries)?;
        Ok(changes)
    }

    /// The transaction, through the engine-neutral SQL surface.
    pub(crate) fn db(&self) -> Db<'a> {
        self.db
    }

    /// The panel member acting, if the actor is one (not the operator of
    /// the file, nor the sample loader).
    fn acting_member(&self) -> Result<Option<Member>> {
        read::member(self.db(), &self.actor)
    }

    // ------------------------------------------------------------ reads

    pub fn call(&self, id: &str) -> Result<Option<Call>> {
        read::call(self.db(), id)
    }
    pub fn calls(&self) -> Result<Vec<Call>> {
        read::calls(self.db())
    }
    pub fn round(&self, id: &str) -> Result<Option<Round>> {
        read::round(self.db(), id)
    }
    pub fn application(&self, id: &str) -> Result<Option<Application>> {
        read::application(self.db(), id)
    }
    pub fn member(&self, id: &str) -> Result<Option<Member>> {
        read::member(self.db(), id)
    }
}
