//! Search through the index the store keeps: what the faces use. The prior
//! decisions (up to millions) are read a page at a time from the stored
//! index; the finalised rounds' decisions (one per application and round,
//! masked per member) are read live through what the member may see.
//!
//! Results are exactly those of [`super::Index`] over everything in
//! memory (a test compares them on a generated database): the stored
//! index only decides what to read, and every row read is scored by the
//! same [`Scorer`].
//!
//! How a query avoids reading everything: a free word's score depends on
//! the applicant's name (inside it, pinyin, fuzzy) or, failing that, on
//! whether the decision's text holds it. So each distinct name (a few
//! thousand) is scored first, giving the best score its decisions can
//! reach; names are taken in order of that bound, their decisions newest
//! first, and reading stops once the results so far cannot be beaten.
//! A word a name cannot match must be in the text: the store tests that
//! itself (`instr`/`strpos`), as it does phrases, exclusions and the
//! filters it can.

use super::query::{Cmp, Filter, Query};
use super::{Found, IN_TEXT, Index, Keys, Record, Scorer, in_city, rank, rounds};
use crate::domain::Member;
use crate::store::search_index::{Cond, Of, PageQuery, StoredName};
use crate::store::{Result, Store};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The fewest entries a page reads (the first reads one more than the
/// results asked for, or this); later pages grow fourfold up to the most.
const SMALLEST_PAGE: usize = 16;
const LARGEST_PAGE: usize = 4096;

/// A search for one member: the rounds' decisions they may see, held;
/// the prior decisions, read from the store per query.
pub struct Finder {
    rounds: Index,
}

impl Finder {
    /// Reads the finalised rounds' decisions as `viewer` may see them.
    pub fn open(store: &Store, viewer: Option<&Member>) -> Result<Finder> {
        Ok(Finder {
            rounds: Index::new(rounds(store, viewer)?),
        })
    }

    /// The best `limit` results of `q`, ranked.
    pub fn find(&self, store: &Store, q: &Query, limit: usize) -> Result<Vec<Found>> {
        let mut best = Best::new(limit);
        for hit in self.rounds.search(q, limit) {
            best.offer(Found::from(hit));
        }
        priors(store, &self.rounds.scorer, q, &mut best)?;
        Ok(best.found)
    }
}

/// The best results so far, ranked, at most `limit`.
struct Best {
    found: Vec<Found>,
    limit: usize,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            found: Vec::with_capacity(limit + 1),
            limit,
        }
    }

    fn key(f: &Found) -> (i64, chrono::NaiveDate, &str) {
        (f.score, f.record.decided_on, &f.record.id)
    }

    fn offer(&mut self, f: Found) {
        let at = self
            .found
            .partition_point(|x| rank(Self::key(x), Self::key(&f)).is_lt());
        if at < self.limit {
            self.found.insert(at, f);
            self.found.truncate(self.limit);
        }
    }

    /// Whether a result ranked by (score, date, id) could still enter.
    fn would_take(&self, score: i64, date: chrono::NaiveDate, id: &str) -> bool {
        match self.found.get(self.limit.wrapping_sub(1)) {
            _ if self.limit == 0 => false,
            None => true,
            Some(worst) => rank((score, date, id), Self::key(worst)).is_lt(),
        }
    }
}

/// Names that reach the same best score and need the same words from the
/// text: read together.
#[derive(Debug)]
struct Class {
    bound: i64,
    /// Words (by position) these names cannot match: the text must hold them.
    in_text: Vec<usize>,
    names: Vec<i64>,
}

/// The names a query can match, grouped by the best score they reach,
/// best first.
fn classes(names: &[StoredName], scorer: &Scorer, q: &Query) -> Vec<Class> {
    let cities: Vec<&str> = q
        .filters
        .iter()
        .filter_map(|f| match f {
            Filter::City(c) => Some(c.as_str()),
            _ => None,
        })
        .collect();
    let mut by_bound: BTreeMap<(std::cmp::Reverse<i64>, Vec<usize>), Vec<i64>> = BTreeMap::new();
    for n in names {
        if !cities.iter().all(|c| in_city(&n.keys, c)) {
            continue;
        }
        let mut bound = 0;
        let mut in_text = Vec::new();
        for (i, w) in q.words.iter().enumerate() {
            bound += match scorer.in_name(&n.keys, w) {
                Some((s, _)) => s,
                None => match scorer.otherwise(&n.keys, w) {
                    Some((s, _)) => s.max(IN_TEXT),
                    None => {
                        in_text.push(i);
                        IN_TEXT
                    }
                },
            };
        }
        by_bound
            .entry((std::cmp::Reverse(bound), in_text))
            .or_default()
            .push(n.id);
    }
    by_bound
        .into_iter()
        .map(|((bound, in_text), names)| Class {
            bound: bound.0,
            in_text,
            names,
        })
        .collect()
}

/// What the store can test itself, exactly, besides what the text must
/// hold: exclusions, and the filters on the decision's own fields. Every row read is tested again
/// by the scorer, the one judge of a match.
fn conditions(q: &Query) -> Vec<Cond> {
    let mut conds = Vec::new();
    conds.extend(q.excluded.iter().map(|x| Cond::Lacks(x.clone())));
    for f in &q.filters {
        conds.push(match f {
            Filter::Year(y) => Cond::Year(*y),
            Filter::Decision(d) => Cond::Outcome(d.clone()),
            Filter::Grade(g) => Cond::Grade(g.clone()),
            Filter::Tier(t) => Cond::Tier(t.clone()),
            Filter::Round(r) => Cond::Round(r.clone()),
            Filter::Flag(f) => Cond::Flag(f.clone()),
            // A name's 市州: the classes hold only the names in it.
            Filter::City(_) => continue,
            Filter::Score(cmp, v) => Cond::Score(
                match cmp {
                    Cmp::Gt => ">",
                    Cmp::Ge => ">=",
                    Cmp::Lt => "<",
                    Cmp::Le => "<=",
                    Cmp::Eq => "~",
                },
                *v,
            ),
        });
    }
    conds
}

/// Classes of at most this many names are read name by name, each newest
/// first through the index by name; larger ones newest first by date.
const NAME_BY_NAME: usize = 24;

/// Offers the prior decisions that match `q` to `best`, reading no more
/// of the index than can change it.
fn priors(store: &Store, scorer: &Scorer, q: &Query, best: &mut Best) -> Result<()> {
    if best.limit == 0 {
        return Ok(());
    }
    let names = store.search_names()?;
    let by_id: HashMap<i64, (&StoredName, Arc<super::NameKeys>)> =
        names.iter().map(|n| (n.id, (n, n.keys.clone()))).collect();
    let read = Reader {
        store,
        scorer,
        q,
        by_id: &by_id,
    };
    let common = conditions(q);
    for class in classes(&names, scorer, q) {
        if !best.would_take(class.bound, chrono::NaiveDate::MAX, "") {
            // Classes come best first: none after this one can enter.
            break;
        }
        // What the text must hold: the phrases, and the words these names
        // cannot match otherwise. When few texts hold them all, the index
        // of characters leads, whoever's they are.
        let mut in_text: Vec<&str> = q.phrases.iter().map(String::as_str).collect();
        in_text.extend(class.in_text.iter().map(|&i| q.words[i].as_str()));
        let led = store.search_text_is_rare(&in_text)?;
        let mut conds: Vec<Cond> = in_text
            .iter()
            .map(|w| {
                if led {
                    Cond::HasFew(w.to_string())
                } else {
                    Cond::Has(w.to_string())
                }
            })
            .collect();
        conds.extend(common.iter().cloned());
        if class.names.len() == names.len() {
            read.newest_first(Of::All, &conds, class.bound, best)?;
        } else if led {
            read.newest_first(Of::Names(class.names), &conds, class.bound, best)?;
        } else if class.names.len() <= NAME_BY_NAME {
            for &n in &class.names {
                read.newest_first(Of::Name(n), &conds, class.bound, best)?;
            }
        } else if class.names.len() * 10 <= names.len() {
            read.newest_first(Of::FewNames(class.names), &conds, class.bound, best)?;
        } else {
            read.newest_first(Of::Names(class.names), &conds, class.bound, best)?;
        }
    }
    Ok(())
}

/// Reads entries for one query.
struct Reader<'a> {
    store: &'a Store,
    scorer: &'a Scorer,
    q: &'a Query,
    by_id: &'a HashMap<i64, (&'a StoredName, Arc<super::NameKeys>)>,
}

impl Reader<'_> {
    /// Offers the entries of `of` meeting `conds`, newest first, until
    /// none can enter `best` (their score is at most `bound`).
    fn newest_first(&self, of: Of, conds: &[Cond], bound: i64, best: &mut Best) -> Result<()> {
        let mut page = PageQuery {
            names: of,
            conds: conds.to_vec(),
            after: None,
            limit: (best.limit + 1).clamp(SMALLEST_PAGE, LARGEST_PAGE),
        };
        loop {
            let entries = self.store.search_page(&page)?;
            let full = entries.len() == page.limit;
            for e in entries {
                let d = e.decision;
                if !best.would_take(bound, d.decided_on, &d.id) {
                    // Newest first: nothing later can enter either.
                    return Ok(());
                }
                page.after = Some((d.decided_on.to_string(), d.id.clone()));
                let Some((n, keys)) = self.by_id.get(&e.name_id) else {
                    continue;
                };
                let mut record = Record::prior(d, n.prefecture_name.clone());
                record.keys = Keys {
                    name: keys.clone(),
                    text: e.keys,
                };
                if let Some((score, matched)) = self.scorer.score(&record, self.q) {
                    best.offer(Found {
                        record,
                        score,
                        matched,
                    });
                }
            }
            if !full {
                return Ok(());
            }
            page.limit = (page.limit * 4).min(LARGEST_PAGE);
        }
    }
}
