//! Decisions carried over from earlier programmes, written in batches:
//! `jury import` and `jury gen-data` bring thousands at a time, and a row
//! at a time costs a round trip per statement on a server. Each row still
//! gets its own audit entry, exactly as a single write would.

use super::{Change, Writer, refuse, to_json};
use crate::base::i18n::say;
use crate::domain::search_keys::Names;
use crate::domain::*;
use crate::store::audit;
use crate::store::sql::Param;
use crate::store::{Result, read, search_index};

/// Rows per statement: bounded, so that a server prepares two statements
/// at most (a full batch and the last one).
const BATCH: usize = 200;

/// The table's columns in the order the parameters go: the key, then the
/// audited values (the audit entity names them, once).
fn columns() -> impl Iterator<Item = &'static str> {
    let e = &audit::PRIOR_DECISION;
    e.key.iter().chain(e.cols).copied()
}

impl Writer<'_> {
    pub fn put_prior_decision(&mut self, d: &PriorDecision) -> Result<Change> {
        let changes = self.put_prior_decisions(std::slice::from_ref(d))?;
        Ok(changes[0])
    }

    /// Writes every decision (inserted, or updated by id), each checked
    /// first: all or none, as the transaction goes. Returns each one's
    /// change, in order.
    pub fn put_prior_decisions(&mut self, ds: &[PriorDecision]) -> Result<Vec<Change>> {
        let calls = read::calls(self.db())?;
        let prefectures = ds
            .iter()
            .map(|d| prefecture_of(&calls, d))
            .collect::<Result<Vec<String>>>()?;
        let mut changes = Vec::with_capacity(ds.len());
        let mut start = 0;
        while start < ds.len() {
            // A run of distinct ids: a second write of one id in the same
            // statement would be logged against the wrong "before".
            let mut ids = std::collections::HashSet::new();
            let mut end = start;
            while end < ds.len() && end - start < BATCH && ids.insert(ds[end].id.as_str()) {
                end += 1;
            }
            changes.extend(self.put_run(&ds[start..end], &prefectures[start..end])?);
            start = end;
        }
        // Indexed as written (with the canonical prefecture ids).
        let written: Vec<PriorDecision> = ds
            .iter()
            .zip(prefectures)
            .map(|(d, p)| PriorDecision {
                prefecture: p,
                ..d.clone()
            })
            .collect();
        search_index::index(self.db(), &Names::of(&calls), &written)?;
        Ok(changes)
    }

    fn put_run(&mut self, ds: &[PriorDecision], prefectures: &[String]) -> Result<Vec<Change>> {
        let keys: Vec<&str> = ds.iter().map(|d| d.id.as_str()).collect();
        // Owned text the parameters borrow.
        let texts: Vec<[String; 3]> = ds
            .iter()
            .map(|d| {
                [
                    d.kind.as_str().to_string(),
                    d.decided_on.to_string(),
                    to_json(&d.flags),
                ]
            })
            .collect();
        let mut params: Vec<Param<'_>> = Vec::with_capacity(ds.len() * 16);
        for ((d, pref), [kind, on, flags]) in ds.iter().zip(prefectures).zip(&texts) {
            params.extend([
                Param::Text(&d.id),
                Param::Text(&d.programme),
                Param::Text(&d.round),
                Param::Text(kind),
                Param::Int(d.year.into()),
                Param::Text(on),
                Param::Text(&d.applicant),
                Param::Text(&d.tier),
                Param::Text(pref),
                Param::Text(flags),
                d.outcome.map_or(Param::Null, |o| Param::Text(o.as_str())),
                d.grade.as_deref().map_or(Param::Null, Param::Text),
                d.score.map_or(Param::Null, Param::Real),
                d.rank.map_or(Param::Null, Param::Int),
                Param::Text(&d.rationale),
                Param::Text(&d.decided_by),
            ]);
        }
        debug_assert_eq!(params.len(), ds.len() * columns().count());
        let sql = insert_sql(ds.len());
        self.audited_many(&audit::PRIOR_DECISION, &keys, |db| {
            db.execute(&sql, &params).map(drop)
        })
    }
}

/// The multi-row upsert for `rows` decisions.
fn insert_sql(rows: usize) -> String {
    let names: Vec<&str> = columns().collect();
    let n = names.len();
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let places: Vec<String> = (1..=n).map(|c| format!("?{}", r * n + c)).collect();
            format!("({})", places.join(", "))
        })
        .collect();
    let updates: Vec<String> = audit::PRIOR_DECISION
        .cols
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO prior_decisions ({}) VALUES {} ON CONFLICT(id) DO UPDATE SET {}",
        names.join(", "),
        values.join(", "),
        updates.join(", ")
    )
}

/// The decision's prefecture, checked against the calls; and the outcome
/// or grade its kind needs.
fn prefecture_of(calls: &[Call], d: &PriorDecision) -> Result<String> {
    let Some(pref) = calls.iter().find_map(|c| c.prefecture(&d.prefecture)) else {
        let pref = &d.prefecture;
        return refuse(say(
            format!("prefecture:应为已导入通知中的市州,实际为 {pref:?}"),
            format!("prefecture: expected a prefecture of an imported call, found {pref:?}"),
        ));
    };
    if d.kind == RoundKind::Selection && d.outcome.is_none() {
        return refuse(say(
            "outcome:遴选决定须为 selected(入选)、reserve(备选)或 not_selected(未入选)",
            "outcome: a selection decision needs selected, reserve or not_selected",
        ));
    }
    if d.kind == RoundKind::Assessment && d.grade.as_deref().is_none_or(str::is_empty) {
        return refuse(say(
            "grade:考核决定须有等次",
            "grade: an assessment decision needs a grade",
        ));
    }
    Ok(pref.id.clone())
}
