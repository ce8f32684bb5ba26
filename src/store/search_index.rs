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
use std::sync::Arc;

/// Entries per statement (twelve parameters each).
const BATCH: usize = 200;

/// One distinct applicant with its 市州, as stored.
#[derive(Debug, Clone)]
pub struct StoredName {
    pub id: i64,
    pub applicant: String,
    pub prefecture: String,
    pub prefecture_name: String,
    /// Shared with every record read for this name.
    pub keys: Arc<NameKeys>,
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
    let server = matches!(db, Db::Pg(_));
    for chunk in ds.chunks(BATCH) {
        let ids: Vec<&str> = chunk.iter().map(|d| d.id.as_str()).collect();
        let ids = serde_json::to_string(&ids).expect("ids serialise");
        let held: HashMap<String, i64> = if server {
            HashMap::new()
        } else {
            db.query_map(
                "SELECT id, seq FROM search_entries WHERE id IN (SELECT value FROM json_each(?1))",
                args![ids],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .into_iter()
            .collect()
        };
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
            let number = match held.get(&d.id) {
                Some(n) => *n,
                None => {
                    seq += 1;
                    seq
                }
            };
            rows.push((d, number, name_id, d.decided_on.to_string(), grade, keys));
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
        if !server {
            // The characters' index: what an entry held goes, what it holds now comes.
            let gone: Vec<i64> = held.values().copied().collect();
            db.execute(
                "DELETE FROM search_chars WHERE rowid IN (SELECT value FROM json_each(?1))",
                args![serde_json::to_string(&gone).expect("numbers serialise")],
            )?;
            let texts: Vec<String> = rows.iter().map(|r| spaced(&r.5.hay)).collect();
            let mut params: Vec<Param<'_>> = Vec::with_capacity(rows.len() * 2);
            for (row, text) in rows.iter().zip(&texts) {
                params.extend([Param::Int(row.1), Param::Text(text)]);
            }
            let values: Vec<String> = (0..rows.len())
                .map(|i| format!("(?{}, ?{})", 2 * i + 1, 2 * i + 2))
                .collect();
            db.execute(
                &format!(
                    "INSERT INTO search_chars (rowid, hay) VALUES {}",
                    values.join(", ")
                ),
                &params,
            )?;
        }
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
    if matches!(db, Db::Sqlite(_)) {
        db.batch("DELETE FROM search_chars")?;
    }
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
                keys: Arc::new(NameKeys {
                    name: r.get(4)?,
                    pinyin_full: r.get(5)?,
                    pinyin_initials: r.get(6)?,
                    has_ascii: r.get(7)?,
                    city: NameKeys::city_from_text(&city),
                }),
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
    /// The folded text holds it, and few entries' do
    /// ([`Store::search_text_is_rare`]): the index of characters finds them.
    HasFew(String),
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
    /// A few names': read through the index by name, then put in order.
    FewNames(Vec<i64>),
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
        Of::Names(ids) | Of::FewNames(ids) => serde_json::to_string(ids).expect("ids serialise"),
        _ => String::new(),
    };
    let mut params: Vec<Param<'_>> = vec![Param::Text(&date), Param::Text(&id), Param::Int(limit)];
    // The page's keys first, then its rows: where the entries must be
    // put in order (a few names', or those the index of characters
    // found), only their keys go through the sort.
    // Every word few texts hold, asked of the index of characters at once.
    let few: Vec<&str> = q
        .conds
        .iter()
        .filter_map(|c| match c {
            Cond::HasFew(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    // SQLite's planner, left alone, may read newest first and test each
    // entry against the index of characters' answer: when that answer
    // leads, it is named; so is the index of a plain field few entries
    // meet.
    let by = if server {
        ""
    } else if chars_match(&few).is_some() {
        "INDEXED BY search_entries_by_seq"
    } else if matches!(q.names, Of::All | Of::Names(_)) {
        rare_field(db, &q.conds)?
    } else {
        ""
    };
    let mut sql = format!(
        "SELECT e.decided_on AS k_on, e.id AS k_id FROM search_entries e {by}
         WHERE (e.decided_on < ?1 OR (e.decided_on = ?1 AND e.id > ?2))",
    );
    match &q.names {
        Of::All => {}
        Of::Name(n) => {
            sql.push_str(" AND e.name_id = ?4");
            params.push(Param::Int(*n));
        }
        Of::FewNames(_) => {
            sql.push_str(if server {
                " AND e.name_id IN (SELECT value::bigint FROM json_array_elements_text(?4::json))"
            } else {
                " AND e.name_id IN (SELECT value FROM json_each(?4))"
            });
            params.push(Param::Text(&names));
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
    // What the server's indexes of the text are asked, per condition
    // (owned text the parameters borrow).
    let likes: Vec<String> = q
        .conds
        .iter()
        .map(|c| match c {
            Cond::Has(t) | Cond::HasFew(t) => format!("%{}%", like_escaped(t)),
            _ => String::new(),
        })
        .collect();
    let all_of = chars_match(&few);
    if !server && let Some(m) = &all_of {
        let n = params.len() + 1;
        sql.push_str(&format!(
            " AND e.seq IN (SELECT rowid FROM search_chars WHERE search_chars MATCH ?{n})"
        ));
        params.push(Param::Text(m));
    }
    for (c, like) in q.conds.iter().zip(&likes) {
        let n = params.len() + 1;
        match c {
            // The server's planner weighs its trigram index (a word of
            // three characters or more) against reading newest first;
            // LIKE with its wildcards escaped is an exact substring test.
            Cond::Has(_) | Cond::HasFew(_) if server => {
                sql.push_str(&format!(" AND e.hay LIKE ?{n} ESCAPE '\\'"));
                params.push(Param::Text(like));
            }
            Cond::Has(t) | Cond::HasFew(t) => {
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
    let sql = format!(
        "SELECT e.name_id, e.hay, e.tier, e.round, e.flags, {}
         FROM ({sql}) k JOIN search_entries e ON e.id = k.k_id
                         JOIN prior_decisions p ON p.id = e.id
         ORDER BY k.k_on DESC, k.k_id",
        read::PRIOR_COLUMNS_OF_P,
    );
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

impl Store {
    /// Whether few entries' text holds every one of `words`, so that the
    /// index of characters is worth asking for them: fewer than the
    /// entries read newest first before enough are met, about the root of
    /// the entries times a page (2,000 at 100,000 entries), and never
    /// fewer than 2,000. Always false on a server, whose planner decides
    /// for itself.
    pub fn search_text_is_rare(&self, words: &[&str]) -> Result<bool> {
        let db = self.db();
        let Some(all_of) = chars_match(words) else {
            return Ok(false);
        };
        if matches!(db, Db::Pg(_)) {
            return Ok(false);
        }
        let entries: i64 = db
            .value("SELECT coalesce(max(seq), 0) FROM search_entries", args![])?
            .unwrap_or(0);
        let common = COMMON.max(((entries as f64) * 50.0).sqrt() as i64);
        let held: i64 = db
            .value(
                "SELECT count(*) FROM (SELECT rowid FROM search_chars WHERE search_chars MATCH ?1
                                       LIMIT ?2)",
                args![all_of, common],
            )?
            .unwrap_or(common);
        Ok(held < common)
    }
}

/// SQLite's planner reads newest first whatever a filter on a plain field
/// asks (it cannot know that no decision has grade 不): when few entries
/// meet one, its index is named.
fn rare_field(db: Db<'_>, conds: &[Cond]) -> Result<&'static str> {
    for c in conds {
        let (column, value, index) = match c {
            Cond::Grade(g) => (
                "grade",
                Param::Text(g),
                "INDEXED BY search_entries_by_grade",
            ),
            Cond::Outcome(o) => (
                "outcome",
                Param::Text(o),
                "INDEXED BY search_entries_by_outcome",
            ),
            Cond::Year(y) => (
                "year",
                Param::Int((*y).into()),
                "INDEXED BY search_entries_by_year",
            ),
            _ => continue,
        };
        let held: i64 = db
            .value(
                &format!(
                    "SELECT count(*) FROM (SELECT 1 FROM search_entries WHERE {column} = ?1 LIMIT ?2)"
                ),
                &[value, Param::Int(COMMON)],
            )?
            .unwrap_or(COMMON);
        if held < COMMON {
            return Ok(index);
        }
    }
    Ok("")
}

/// The entries read newest first that make an index worth asking, at
/// the least.
const COMMON: i64 = 2000;

/// An FTS5 query for texts holding every word: each word a phrase of its
/// characters. None when no word has a character to look up (a word of
/// punctuation only).
fn chars_match(words: &[&str]) -> Option<String> {
    let phrases: Vec<String> = words
        .iter()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| chars_phrase(w))
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(" AND "))
}

/// A text with a space after each character: each is a token of
/// `search_chars`.
fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        out.push(c);
        out.push(' ');
    }
    out
}

/// A word as one FTS5 phrase of its characters: the entries whose text
/// holds the word are among those it matches (separators and case aside).
fn chars_phrase(word: &str) -> String {
    format!("\"{}\"", spaced(word).trim_end().replace('"', "\"\""))
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
