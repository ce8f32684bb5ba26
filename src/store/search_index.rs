//! The search index the store keeps beside the prior decisions (tables
//! `search_names` and `search_entries`, migrations 0009 and pg/0004):
//! written with every batch of prior decisions, rebuilt whole when a call
//! changes (a decision's text includes the names the calls give its 市州
//! and flags) and when a store is migrated or copied. A search reads it
//! a page at a time and never rebuilds it.

use super::sql::{Db, Param, Row, args};
use super::{Result, Store, read};
use crate::base::fold::fold;
use crate::domain::PriorDecision;
use crate::domain::search_keys::{Fields, NameKeys, Names, TextKeys};
use std::collections::HashMap;

/// Entries per statement (twelve parameters each).
const BATCH: usize = 200;

/// One distinct applicant with its 市州, as stored.
#[derive(Debug, Clone)]
pub struct StoredName {
    pub id: i64,
    pub applicant: String,
    pub prefecture: String,
    pub prefecture_name: String,
    pub keys: NameKeys,
}

impl Store {
    /// Every name the search index holds (a few thousand at most: the
    /// distinct applicants).
    pub fn search_names(&self) -> Result<Vec<StoredName>> {
        stored_names(self.db())
    }

    /// A page of the search index's entries.
    pub fn search_page(&self, q: &PageQuery) -> Result<Vec<Entry>> {
        page(self.db(), q)
    }
}

/// Indexes `ds` (already written to `prior_decisions`), replacing what
/// the index held for their ids.
pub(crate) fn index(db: Db<'_>, names: &Names<'_>, ds: &[PriorDecision]) -> Result<()> {
    // An id written twice in one batch is indexed as written last (one
    // statement may not touch a row twice).
    let last: HashMap<&str, usize> = ds
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let ds: Vec<&PriorDecision> = ds
        .iter()
        .enumerate()
        .filter(|(i, d)| last[d.id.as_str()] == *i)
        .map(|(_, d)| d)
        .collect();
    let mut known: HashMap<(String, String), i64> = stored_names(db)?
        .into_iter()
        .map(|n| ((n.applicant, n.prefecture), n.id))
        .collect();
    // Numbers for new entries (an entry rewritten keeps its own).
    let mut seq: i64 = db
        .value("SELECT coalesce(max(seq), 0) FROM search_entries", args![])?
        .unwrap_or(0);
    for chunk in ds.chunks(BATCH) {
        let mut rows = Vec::with_capacity(chunk.len());
        for d in chunk {
            let prefecture_name = names.prefecture(&d.prefecture);
            let key = (d.applicant.clone(), d.prefecture.clone());
            let name_id = match known.get(&key) {
                Some(id) => *id,
                None => {
                    let id = add_name(db, &d.applicant, &d.prefecture, &prefecture_name)?;
                    known.insert(key, id);
                    id
                }
            };
            let flag_names = names.flags(&d.flags);
            let keys = TextKeys::of(&Fields {
                applicant: &d.applicant,
                prefecture_name: &prefecture_name,
                programme: &d.programme,
                round: &d.round,
                tier: &d.tier,
                grade: d.grade.as_deref(),
                decided_by: &d.decided_by,
                flags: &d.flags,
                flag_names: &flag_names,
                rationale: &d.rationale,
            });
            let grade = d.grade.as_deref().map(fold);
            seq += 1;
            rows.push((d, seq, name_id, d.decided_on.to_string(), grade, keys));
        }
        let mut params: Vec<Param<'_>> = Vec::with_capacity(rows.len() * 12);
        for (d, seq, name_id, on, grade, k) in &rows {
            params.extend([
                Param::Text(&d.id),
                Param::Int(*seq),
                Param::Int(*name_id),
                Param::Text(on),
                Param::Int(d.year.into()),
                d.outcome.map_or(Param::Null, |o| Param::Text(o.as_str())),
                grade.as_deref().map_or(Param::Null, Param::Text),
                d.score.map_or(Param::Null, Param::Real),
                Param::Text(&k.hay),
                Param::Text(&k.tier),
                Param::Text(&k.round),
                Param::Text(&k.flags),
            ]);
        }
        db.execute(&upsert_sql(rows.len()), &params)?;
    }
    Ok(())
}

fn upsert_sql(rows: usize) -> String {
    const COLS: [&str; 12] = [
        "id",
        "seq",
        "name_id",
        "decided_on",
        "year",
        "outcome",
        "grade",
        "score",
        "hay",
        "tier",
        "round",
        "flags",
    ];
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let places: Vec<String> = (1..=COLS.len())
                .map(|c| format!("?{}", r * COLS.len() + c))
                .collect();
            format!("({})", places.join(", "))
        })
        .collect();
    // Everything but the id and the number.
    let updates: Vec<String> = COLS[2..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO search_entries ({}) VALUES {} ON CONFLICT(id) DO UPDATE SET {}",
        COLS.join(", "),
        values.join(", "),
        updates.join(", ")
    )
}

fn add_name(db: Db<'_>, applicant: &str, prefecture: &str, prefecture_name: &str) -> Result<i64> {
    let k = NameKeys::of(applicant, prefecture, prefecture_name);
    let id = db.value::<i64>(
        "INSERT INTO search_names (applicant, prefecture, prefecture_name, name, pinyin_full,
                                   pinyin_initials, has_ascii, city)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        args![
            applicant,
            prefecture,
            prefecture_name,
            k.name,
            k.pinyin_full,
            k.pinyin_initials,
            k.has_ascii,
            k.city_text()
        ],
    )?;
    Ok(id.expect("INSERT … RETURNING gives the id"))
}

/// Builds the index afresh from the prior decisions and the calls.
pub(crate) fn rebuild(db: Db<'_>) -> Result<()> {
    db.batch("DELETE FROM search_entries; DELETE FROM search_names;")?;
    let calls = read::calls(db)?;
    let names = Names::of(&calls);
    let all = read::prior_decisions(db)?;
    for chunk in all.chunks(10_000) {
        index(db, &names, chunk)?;
    }
    Ok(())
}

/// Every stored name.
pub(crate) fn stored_names(db: Db<'_>) -> Result<Vec<StoredName>> {
    db.query_map(
        "SELECT id, applicant, prefecture, prefecture_name, name, pinyin_full, pinyin_initials,
                has_ascii, city
         FROM search_names ORDER BY id",
        args![],
        |r| {
            let city: String = r.get(8)?;
            Ok(StoredName {
                id: r.get(0)?,
                applicant: r.get(1)?,
                prefecture: r.get(2)?,
                prefecture_name: r.get(3)?,
                keys: NameKeys {
                    name: r.get(4)?,
                    pinyin_full: r.get(5)?,
                    pinyin_initials: r.get(6)?,
                    has_ascii: r.get(7)?,
                    city: NameKeys::city_from_text(&city),
                },
            })
        },
    )
}

/// A condition a page's entries must meet: exact, so that the index
/// narrows what is read and never drops what the query would accept.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// The folded text holds it.
    Has(String),
    /// The folded text does not hold it.
    Lacks(String),
    Year(i32),
    Outcome(String),
    /// The folded grade is this.
    Grade(String),
    /// The folded tier is this, or this followed by "(".
    Tier(String),
    /// The folded round and programme hold it.
    Round(String),
    /// The folded flags hold it.
    Flag(String),
    /// The score against a value: `>`, `>=`, `<`, `<=`, or within 0.05 (`~`).
    Score(&'static str, f64),
}

/// Which entries a page holds: of these names, meeting every condition,
/// newest first (then by id), after `after` (a date and an id).
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub names: Of,
    pub conds: Vec<Cond>,
    pub after: Option<(String, String)>,
    pub limit: usize,
}

/// Whose entries a page reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Of {
    /// Everyone's: read newest first through the index by date.
    #[default]
    All,
    /// One name's: read newest first through the index by name.
    Name(i64),
    /// Many names': read newest first by date, keeping theirs.
    Names(Vec<i64>),
}

/// One entry of a page: its name, its text's keys, the decision.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name_id: i64,
    pub keys: TextKeys,
    pub decision: PriorDecision,
}

/// A page of entries.
pub(crate) fn page(db: Db<'_>, q: &PageQuery) -> Result<Vec<Entry>> {
    let server = matches!(db, Db::Pg(_));
    let (date, id) = q
        .after
        .clone()
        .unwrap_or_else(|| ("~".to_string(), String::new()));
    let limit = q.limit as i64;
    let names = match &q.names {
        Of::Names(ids) => serde_json::to_string(ids).expect("ids serialise"),
        _ => String::new(),
    };
    let mut params: Vec<Param<'_>> = vec![Param::Text(&date), Param::Text(&id), Param::Int(limit)];
    let mut sql = format!(
        "SELECT e.name_id, e.hay, e.tier, e.round, e.flags, {}
         FROM search_entries e JOIN prior_decisions p ON p.id = e.id
         WHERE (e.decided_on < ?1 OR (e.decided_on = ?1 AND e.id > ?2))",
        read::PRIOR_COLUMNS_OF_P,
    );
    match &q.names {
        Of::All => {}
        Of::Name(n) => {
            sql.push_str(" AND e.name_id = ?4");
            params.push(Param::Int(*n));
        }
        // The unary plus keeps the planner off the index by name: the
        // names are many, and reading by date stops at the page's end.
        Of::Names(_) => {
            sql.push_str(if server {
                " AND +e.name_id IN (SELECT value::bigint FROM json_array_elements_text(?4::json))"
            } else {
                " AND +e.name_id IN (SELECT value FROM json_each(?4))"
            });
            params.push(Param::Text(&names));
        }
    }
    let find = if server { "strpos" } else { "instr" };
    // What the trigram indexes are asked, per condition (owned text the
    // parameters borrow).
    let mut trigram: Vec<Option<String>> = Vec::with_capacity(q.conds.len());
    for c in &q.conds {
        trigram.push(match c {
            Cond::Has(t) if server => Some(format!("%{}%", like_escaped(t))),
            Cond::Has(t) if rare_in_text(db, t)? => Some(fts_phrase(t)),
            _ => None,
        });
    }
    for (c, by_trigram) in q.conds.iter().zip(&trigram) {
        let n = params.len() + 1;
        match c {
            // The server's planner weighs the trigram index against
            // reading newest first; LIKE with its wildcards escaped is an
            // exact substring test.
            Cond::Has(_) if server => {
                sql.push_str(&format!(" AND e.hay LIKE ?{n} ESCAPE '\\'"));
                params.push(Param::Text(by_trigram.as_deref().expect("set above")));
            }
            Cond::Has(t) => {
                if let Some(phrase) = by_trigram {
                    sql.push_str(&format!(
                        " AND e.seq IN (SELECT rowid FROM search_text WHERE search_text MATCH ?{n})"
                    ));
                    params.push(Param::Text(phrase));
                }
                let n = params.len() + 1;
                sql.push_str(&format!(" AND {find}(e.hay, ?{n}) > 0"));
                params.push(Param::Text(t));
            }
            Cond::Lacks(t) => {
                sql.push_str(&format!(" AND {find}(e.hay, ?{n}) = 0"));
                params.push(Param::Text(t));
            }
            Cond::Year(y) => {
                sql.push_str(&format!(" AND e.year = ?{n}"));
                params.push(Param::Int((*y).into()));
            }
            Cond::Outcome(o) => {
                sql.push_str(&format!(" AND e.outcome = ?{n}"));
                params.push(Param::Text(o));
            }
            Cond::Grade(g) => {
                sql.push_str(&format!(" AND e.grade = ?{n}"));
                params.push(Param::Text(g));
            }
            Cond::Tier(t) => {
                sql.push_str(&format!(
                    " AND (e.tier = ?{n} OR substr(e.tier, 1, length(?{n}) + 1) = ?{n} || '(')"
                ));
                params.push(Param::Text(t));
            }
            Cond::Round(r) => {
                sql.push_str(&format!(" AND {find}(e.round, ?{n}) > 0"));
                params.push(Param::Text(r));
            }
            Cond::Flag(f) => {
                sql.push_str(&format!(" AND {find}(e.flags, ?{n}) > 0"));
                params.push(Param::Text(f));
            }
            Cond::Score(op, v) => {
                if *op == "~" {
                    sql.push_str(&format!(" AND abs(e.score - ?{n}) < 0.05"));
                } else {
                    sql.push_str(&format!(" AND e.score {op} ?{n}"));
                }
                params.push(Param::Real(*v));
            }
        }
    }
    sql.push_str(" ORDER BY e.decided_on DESC, e.id LIMIT ?3");
    db.query_map(&sql, &params, |r: &Row| {
        Ok(Entry {
            name_id: r.get(0)?,
            keys: TextKeys {
                hay: r.get(1)?,
                tier: r.get(2)?,
                round: r.get(3)?,
                flags: r.get(4)?,
            },
            decision: read::prior_from_row(r, 5)?,
        })
    })
}

/// Most entries a word may be in for the trigram index to be worth asking:
/// a word in more is met soon enough reading newest first.
const RARE: i64 = 2000;

/// Whether a word of three characters or more is in few entries' text
/// (SQLite's trigram index; a shorter word has no trigram).
fn rare_in_text(db: Db<'_>, word: &str) -> Result<bool> {
    if word.chars().count() < 3 {
        return Ok(false);
    }
    let held: i64 = db
        .value(
            "SELECT count(*) FROM (SELECT rowid FROM search_text WHERE search_text MATCH ?1
                                   LIMIT ?2)",
            args![fts_phrase(word), RARE],
        )?
        .unwrap_or(RARE);
    Ok(held < RARE)
}

/// A word as one FTS5 phrase (its quotes doubled).
fn fts_phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// A word for LIKE, its wildcards and the escape character escaped.
fn like_escaped(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
