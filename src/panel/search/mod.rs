//! Searching decisions: the prior decisions carried over from earlier
//! programmes and the finalised decisions of jury's own rounds. Free words
//! match by substring, by pinyin (every reading; full or initials) or
//! fuzzily (fuzzy-matcher); filters narrow; results rank by match score,
//! then recency. What a member may not see never enters the index.

pub mod query;

pub mod stored;

use crate::base::fold::fold;
use crate::base::i18n::Lang;
use crate::domain::search_keys::{Fields, NameKeys, Names, TextKeys};
use crate::domain::{Outcome, RoundKind};
use crate::store::{Result, Store};
use chrono::NaiveDate;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use query::{Cmp, Filter, Query};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// One searchable decision, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub id: String,
    /// The application in jury, for a current round's decision.
    pub application: Option<String>,
    pub programme: String,
    pub round: String,
    pub kind: RoundKind,
    pub year: i32,
    pub decided_on: NaiveDate,
    pub applicant: String,
    pub tier: String,
    pub prefecture: String,
    pub prefecture_name: String,
    pub flags: Vec<String>,
    pub outcome: Option<Outcome>,
    pub grade: Option<String>,
    pub score: Option<f64>,
    pub rank: Option<i64>,
    pub rationale: String,
    pub decided_by: String,
    #[serde(skip)]
    keys: Keys,
}

/// A decision's keys: its name's (shared by every decision on the same
/// applicant) and its own text's.
#[derive(Debug, Clone, Default)]
struct Keys {
    name: Arc<NameKeys>,
    text: TextKeys,
}

/// The keys of each distinct name: names repeat across decisions, and
/// their pinyin is the costly part.
type NameCache = HashMap<(String, String, String), Arc<NameKeys>>;

impl Record {
    /// The record with its keys, made by the same rules the stored index
    /// keeps them by.
    fn index(mut self, names: &Names<'_>, cache: &mut NameCache) -> Record {
        let flag_names = names.flags(&self.flags);
        let name = cache
            .entry((
                self.applicant.clone(),
                self.prefecture.clone(),
                self.prefecture_name.clone(),
            ))
            .or_insert_with(|| {
                Arc::new(NameKeys::of(
                    &self.applicant,
                    &self.prefecture,
                    &self.prefecture_name,
                ))
            })
            .clone();
        let text = TextKeys::of(&self.fields(&flag_names));
        self.keys = Keys { name, text };
        self
    }

    fn fields<'a>(&'a self, flag_names: &'a [String]) -> Fields<'a> {
        Fields {
            applicant: &self.applicant,
            prefecture_name: &self.prefecture_name,
            programme: &self.programme,
            round: &self.round,
            tier: &self.tier,
            grade: self.grade.as_deref(),
            decided_by: &self.decided_by,
            flags: &self.flags,
            flag_names,
            rationale: &self.rationale,
        }
    }

    fn passes(&self, f: &Filter) -> bool {
        match f {
            Filter::Tier(t) => {
                self.keys.text.tier == *t || self.keys.text.tier.starts_with(&format!("{t}("))
            }
            Filter::City(c) => in_city(&self.keys.name, c),
            Filter::Year(y) => self.year == *y,
            Filter::Round(r) => self.keys.text.round.contains(r.as_str()),
            Filter::Decision(d) => self.outcome.is_some_and(|o| o.as_str() == d),
            Filter::Grade(g) => self.grade.as_deref().is_some_and(|x| fold(x) == *g),
            Filter::Score(cmp, v) => self.score.is_some_and(|s| match cmp {
                Cmp::Gt => s > *v,
                Cmp::Ge => s >= *v,
                Cmp::Lt => s < *v,
                Cmp::Le => s <= *v,
                Cmp::Eq => (s - v).abs() < 0.05,
            }),
            Filter::Flag(x) => self.keys.text.flags.contains(x.as_str()),
        }
    }
}

/// Whether a name lies in the city a `city:` filter names (by id, name
/// or pinyin; 州 or not).
fn in_city(name: &NameKeys, c: &str) -> bool {
    name.city
        .iter()
        .any(|k| k == c || k.trim_end_matches('州') == c.trim_end_matches('州'))
}

/// A result: the record, its score, and the characters of the applicant's
/// name that matched (char indices, for highlighting by display width).
#[derive(Debug, Clone, Serialize)]
pub struct Hit<'a> {
    pub record: &'a Record,
    pub score: i64,
    pub matched: Vec<usize>,
}

/// A result that owns its record (it crosses threads, and outlives the
/// rows it was read from).
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub record: Record,
    pub score: i64,
    pub matched: Vec<usize>,
}

impl From<Hit<'_>> for Found {
    fn from(h: Hit<'_>) -> Found {
        Found {
            record: h.record.clone(),
            score: h.score,
            matched: h.matched,
        }
    }
}

/// The order of results: score, then the newest, then by id.
fn rank(a: (i64, NaiveDate, &str), b: (i64, NaiveDate, &str)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2))
}

/// How a free word scores. A word matches a decision in the first of
/// these ways that applies: inside the applicant's name (2000 and more,
/// the longer the better, with the characters to highlight); anywhere in
/// its text (1000); an ASCII word in the pinyin of the applicant or its
/// 市州 (1500 full, 1400 initials); fuzzily within the name.
#[derive(Default)]
pub(crate) struct Scorer {
    matcher: SkimMatcherV2,
}

/// Score of a word found anywhere in a decision's text.
pub(crate) const IN_TEXT: i64 = 1000;

impl Scorer {
    /// The word inside the name.
    pub(crate) fn in_name(&self, n: &NameKeys, w: &str) -> Option<(i64, Vec<usize>)> {
        let pos = n.name.find(w)?;
        let start = n.name[..pos].chars().count();
        let len = w.chars().count();
        Some((2000 + 10 * len as i64, (start..start + len).collect()))
    }

    /// The word by pinyin or fuzzily: what is left once the text does not
    /// hold it.
    pub(crate) fn otherwise(&self, n: &NameKeys, w: &str) -> Option<(i64, Vec<usize>)> {
        let ascii = w.chars().all(|c| c.is_ascii_alphanumeric());
        if ascii {
            if n.pinyin_full.contains(w) {
                return Some((1500, Vec::new()));
            }
            if n.pinyin_initials.contains(&format!("\u{1}{w}")) {
                return Some((1400, Vec::new()));
            }
        }
        // Fuzzy over the name only (long rationales would match anything),
        // and not for ASCII words against an all-Chinese name.
        if w.chars().count() >= 2 && (!ascii || n.has_ascii) {
            let (score, indices) = self.matcher.fuzzy_indices(&n.name, w)?;
            if score > 0 {
                return Some((score, indices));
            }
        }
        None
    }

    /// How well one word matches a record, and where in the name; None
    /// when it does not match at all.
    fn word(&self, r: &Record, w: &str) -> Option<(i64, Vec<usize>)> {
        let k = &r.keys;
        if let Some(hit) = self.in_name(&k.name, w) {
            return Some(hit);
        }
        if k.text.hay.contains(w) {
            return Some((IN_TEXT, Vec::new()));
        }
        self.otherwise(&k.name, w)
    }

    /// The record's score for a query and the characters to highlight, or
    /// None when it does not match.
    pub(crate) fn score(&self, r: &Record, q: &Query) -> Option<(i64, Vec<usize>)> {
        if !q.filters.iter().all(|f| r.passes(f))
            || !q
                .phrases
                .iter()
                .all(|p| r.keys.text.hay.contains(p.as_str()))
            || q.excluded
                .iter()
                .any(|x| r.keys.text.hay.contains(x.as_str()))
        {
            return None;
        }
        let mut score = 0;
        let mut matched = Vec::new();
        for w in &q.words {
            let (s, idx) = self.word(r, w)?;
            score += s;
            matched.extend(idx);
        }
        matched.sort_unstable();
        matched.dedup();
        Some((score, matched))
    }
}

/// Decisions held in memory: the finalised rounds' decisions as one
/// member may see them (few, and computed through what that member may
/// read), and, for tests and benchmarks, the whole of the prior
/// decisions too — the reference the stored index is held to.
pub struct Index {
    records: Vec<Record>,
    scorer: Scorer,
}

impl Index {
    pub fn new(records: Vec<Record>) -> Index {
        Index {
            records,
            scorer: Scorer::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Runs a query. Results rank by score, then by recency, then by id.
    pub fn search(&self, q: &Query, limit: usize) -> Vec<Hit<'_>> {
        let mut hits: Vec<Hit> = self
            .records
            .iter()
            .filter_map(|r| {
                let (score, matched) = self.scorer.score(r, q)?;
                Some(Hit {
                    record: r,
                    score,
                    matched,
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            rank(
                (a.score, a.record.decided_on, &a.record.id),
                (b.score, b.record.decided_on, &b.record.id),
            )
        });
        hits.truncate(limit);
        hits
    }
}

/// Builds the whole index in memory: every prior decision and what
/// [`rounds`] gives. The reference the stored index is compared with;
/// the faces search through [`stored::Finder`].
pub fn load(store: &Store, viewer: Option<&crate::domain::Member>) -> Result<Index> {
    let calls = store.calls()?;
    let names = Names::of(&calls);
    let mut cache = NameCache::new();
    let mut records: Vec<Record> = store
        .prior_decisions()?
        .into_iter()
        .map(|p| {
            let prefecture_name = names.prefecture(&p.prefecture);
            Record::prior(p, prefecture_name).index(&names, &mut cache)
        })
        .collect();
    records.extend(rounds(store, viewer)?);
    Ok(Index::new(records))
}

impl Record {
    /// A prior decision as a record (without its keys).
    fn prior(p: crate::domain::PriorDecision, prefecture_name: String) -> Record {
        Record {
            prefecture_name,
            id: p.id,
            application: None,
            programme: p.programme,
            round: p.round,
            kind: p.kind,
            year: p.year,
            decided_on: p.decided_on,
            applicant: p.applicant,
            tier: p.tier,
            prefecture: p.prefecture,
            flags: p.flags,
            outcome: p.outcome,
            grade: p.grade,
            score: p.score,
            rank: p.rank,
            rationale: p.rationale,
            decided_by: p.decided_by,
            keys: Keys::default(),
        }
    }
}

/// The decisions of finalised rounds as `viewer` may see them — except
/// those of applications they are recused from in a round that is not
/// finalised long ago but current (the latest round of its call).
pub fn rounds(store: &Store, viewer: Option<&crate::domain::Member>) -> Result<Vec<Record>> {
    let calls = store.calls()?;
    let names = Names::of(&calls);
    let mut cache = NameCache::new();
    let mut records = Vec::new();
    let rounds = store.rounds()?;
    for round in rounds
        .iter()
        .filter(|r| r.state == crate::domain::RoundState::Finalised)
    {
        let Some(call) = calls.iter().find(|c| c.info.id == round.call) else {
            continue;
        };
        let current = rounds
            .iter()
            .filter(|r| r.call == round.call)
            .map(|r| r.deadline)
            .max()
            == Some(round.deadline);
        let sight = crate::panel::sight::Sight::of(store, viewer, &round.id)?;
        for read in sight.decisions(store, round, Lang::Zh)? {
            let Some(app) = store.application(&read.decision.application)? else {
                continue;
            };
            // A member who may not read the application's figures reads
            // nothing of the latest round's decision on it, and of earlier
            // ones only the outcome (Sight::decisions has masked those).
            if current && read.hidden {
                continue;
            }
            let d = read.decision;
            // Decisions before schema 6 kept the score only in the rationale.
            let score = d.score.or_else(|| {
                d.rationale
                    .split("综合得分 ")
                    .nth(1)
                    .and_then(|s| s.split(';').next())
                    .and_then(|s| s.trim().parse().ok())
            });
            records.push(
                Record {
                    id: format!("{}/{}", round.id, app.id),
                    application: Some(app.id.clone()),
                    programme: call.info.title.clone(),
                    round: round.name.clone(),
                    kind: round.kind,
                    year: round
                        .year
                        .unwrap_or(round.deadline.format("%Y").to_string().parse().unwrap_or(0)),
                    decided_on: d.decided_on,
                    applicant: app.name.clone(),
                    tier: call
                        .tier(&app.tier)
                        .map(|t| t.name.clone())
                        .unwrap_or_else(|| app.tier.clone()),
                    prefecture_name: call
                        .prefecture(&app.prefecture)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    prefecture: app.prefecture.clone(),
                    flags: app.flags.clone(),
                    outcome: d.outcome,
                    grade: d.grade,
                    score,
                    rank: read.rank.map(|r| r as i64),
                    rationale: d.rationale,
                    decided_by: d.decided_by,
                    keys: Keys::default(),
                }
                .index(&names, &mut cache),
            );
        }
    }
    Ok(records)
}
