//! Searching decisions: the prior decisions carried over from earlier
//! programmes and the finalised decisions of jury's own rounds. Free words
//! match by substring, by pinyin (every reading; full or initials) or
//! fuzzily (fuzzy-matcher); filters narrow; results rank by match score,
//! then recency. What a member may not see never enters the index.

pub mod fold;
pub mod pinyin;
pub mod query;

use crate::base::i18n::Lang;
use crate::domain::{Outcome, RoundKind};
use crate::store::{Result, Store};
use chrono::NaiveDate;
use fold::fold;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use query::{Cmp, Filter, Query};
use serde::Serialize;

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

/// Precomputed folded text and pinyin spellings.
#[derive(Debug, Clone, Default)]
struct Keys {
    hay: String,
    name: String,
    tier: String,
    round: String,
    flags: String,
    city: Vec<String>,
    /// Every full spelling, each preceded by \u{1}: one `contains` tests them all.
    pinyin_full: String,
    /// Every initials spelling, each preceded by \u{1}: a prefix test is
    /// `contains("\u{1}" + word)`.
    pinyin_initials: String,
    /// Whether the name has any ASCII letter or digit (else an ASCII word
    /// cannot fuzzily match it).
    name_has_ascii: bool,
}

/// Pinyin spellings per distinct name: names repeat across decisions.
type SpellingCache = std::collections::HashMap<String, (Vec<String>, Vec<String>)>;

fn spell(cache: &mut SpellingCache, text: &str) -> (Vec<String>, Vec<String>) {
    cache
        .entry(text.to_string())
        .or_insert_with(|| pinyin::spellings(text))
        .clone()
}

impl Record {
    fn index(mut self, flag_names: &[String], cache: &mut SpellingCache) -> Record {
        let (mut full, mut initials) = spell(cache, &self.applicant);
        let (pf, pi) = spell(cache, &self.prefecture_name);
        full.extend(pf.iter().cloned());
        initials.extend(pi);
        let mut city = vec![fold(&self.prefecture), fold(&self.prefecture_name)];
        city.extend(pf);
        self.keys = Keys {
            hay: fold(&format!(
                "{} {} {} {} {} {} {} {} {}",
                self.applicant,
                self.prefecture_name,
                self.programme,
                self.round,
                self.tier,
                self.grade.as_deref().unwrap_or(""),
                self.decided_by,
                flag_names.join(" "),
                self.rationale
            )),
            name: fold(&self.applicant),
            tier: fold(&self.tier),
            round: fold(&format!("{} {}", self.round, self.programme)),
            flags: fold(&format!(
                "{} {}",
                self.flags.join(" "),
                flag_names.join(" ")
            )),
            city,
            pinyin_full: full.iter().map(|s| format!("\u{1}{s}")).collect(),
            pinyin_initials: initials.iter().map(|s| format!("\u{1}{s}")).collect(),
            name_has_ascii: self.applicant.chars().any(|c| c.is_ascii_alphanumeric()),
        };
        self
    }

    fn passes(&self, f: &Filter) -> bool {
        match f {
            Filter::Tier(t) => self.keys.tier == *t || self.keys.tier.starts_with(&format!("{t}(")),
            Filter::City(c) => self
                .keys
                .city
                .iter()
                .any(|k| k == c || k.trim_end_matches('州') == c.trim_end_matches('州')),
            Filter::Year(y) => self.year == *y,
            Filter::Round(r) => self.keys.round.contains(r.as_str()),
            Filter::Decision(d) => self.outcome.is_some_and(|o| o.as_str() == d),
            Filter::Grade(g) => self.grade.as_deref().is_some_and(|x| fold(x) == *g),
            Filter::Score(cmp, v) => self.score.is_some_and(|s| match cmp {
                Cmp::Gt => s > *v,
                Cmp::Ge => s >= *v,
                Cmp::Lt => s < *v,
                Cmp::Le => s <= *v,
                Cmp::Eq => (s - v).abs() < 0.05,
            }),
            Filter::Flag(x) => self.keys.flags.contains(x.as_str()),
        }
    }
}

/// A result: the record, its score, and the characters of the applicant's
/// name that matched (char indices, for highlighting by display width).
#[derive(Debug, Clone, Serialize)]
pub struct Hit<'a> {
    #[serde(skip)]
    pos: usize,
    pub record: &'a Record,
    pub score: i64,
    pub matched: Vec<usize>,
}

pub struct Index {
    records: Vec<Record>,
    matcher: SkimMatcherV2,
}

impl Index {
    pub fn new(records: Vec<Record>) -> Index {
        Index {
            records,
            matcher: SkimMatcherV2::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How well one word matches a record, and where in the name; None
    /// when it does not match at all.
    fn word(&self, r: &Record, w: &str) -> Option<(i64, Vec<usize>)> {
        let k = &r.keys;
        if let Some(pos) = k.name.find(w) {
            let start = k.name[..pos].chars().count();
            let len = w.chars().count();
            return Some((2000 + 10 * len as i64, (start..start + len).collect()));
        }
        if k.hay.contains(w) {
            return Some((1000, Vec::new()));
        }
        let ascii = w.chars().all(|c| c.is_ascii_alphanumeric());
        if ascii {
            if k.pinyin_full.contains(w) {
                return Some((1500, Vec::new()));
            }
            if k.pinyin_initials.contains(&format!("\u{1}{w}")) {
                return Some((1400, Vec::new()));
            }
        }
        // Fuzzy over the name only (long rationales would match anything),
        // and not for ASCII words against an all-Chinese name.
        if w.chars().count() >= 2 && (!ascii || k.name_has_ascii) {
            let (score, indices) = self.matcher.fuzzy_indices(&k.name, w)?;
            if score > 0 {
                return Some((score, indices));
            }
        }
        None
    }

    /// Runs a query. Results rank by score, then by recency, then by id.
    pub fn search(&self, q: &Query, limit: usize) -> Vec<Hit<'_>> {
        let mut hits = self.matching(q, None);
        hits.truncate(limit);
        hits
    }

    /// Every match of `q`, ranked; only among `within` when given.
    fn matching(&self, q: &Query, within: Option<&[usize]>) -> Vec<Hit<'_>> {
        let all: Vec<usize>;
        let candidates: &[usize] = match within {
            Some(c) => c,
            None => {
                all = (0..self.records.len()).collect();
                &all
            }
        };
        let scan = |slice: &[usize]| -> Vec<Hit<'_>> {
            slice
                .iter()
                .map(|&i| (i, &self.records[i]))
                .filter(|(_, r)| q.filters.iter().all(|f| r.passes(f)))
                .filter(|(_, r)| q.phrases.iter().all(|p| r.keys.hay.contains(p.as_str())))
                .filter(|(_, r)| !q.excluded.iter().any(|x| r.keys.hay.contains(x.as_str())))
                .filter_map(|(pos, r)| {
                    let mut score = 0;
                    let mut matched = Vec::new();
                    for w in &q.words {
                        let (s, idx) = self.word(r, w)?;
                        score += s;
                        matched.extend(idx);
                    }
                    matched.sort_unstable();
                    matched.dedup();
                    Some(Hit {
                        pos,
                        record: r,
                        score,
                        matched,
                    })
                })
                .collect()
        };
        // A full scan splits across the cores; a narrowed one is small.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let mut hits: Vec<Hit> = if candidates.len() < 20_000 || threads < 2 {
            scan(candidates)
        } else {
            let chunk = candidates.len().div_ceil(threads);
            std::thread::scope(|s| {
                let handles: Vec<_> = candidates
                    .chunks(chunk)
                    .map(|c| s.spawn(|| scan(c)))
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().expect("search worker"))
                    .collect()
            })
        };
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.record.decided_on.cmp(&a.record.decided_on))
                .then(a.record.id.cmp(&b.record.id))
        });
        hits
    }
}

/// Search as someone types: when the new text only extends the last one in
/// a way that can only narrow the results (more characters in a word, or
/// another word), only the last matches are searched again.
#[derive(Default)]
pub struct Session {
    last: String,
    matches: Option<Vec<usize>>,
}

impl Session {
    /// Whether `next` can only narrow the results of `last`.
    fn narrows(last: &str, next: &str) -> bool {
        if last.is_empty() || !next.starts_with(last) {
            return false;
        }
        // Quotes, exclusions and filters can widen as they grow (-a → -ab,
        // score:<8 → score:<80, an unfinished filter read as a word).
        !next.contains(['"', '“', '”', '-', ':', '：', '＂'])
    }

    pub fn search<'a>(
        &mut self,
        index: &'a Index,
        text: &str,
        limit: usize,
    ) -> std::result::Result<Vec<Hit<'a>>, String> {
        let q = query::parse(text)?;
        let within = if Self::narrows(&self.last, text) {
            self.matches.as_deref()
        } else {
            None
        };
        let hits = index.matching(&q, within);
        self.matches = Some(hits.iter().map(|h| h.pos).collect());
        self.last = text.to_string();
        let mut hits = hits;
        hits.truncate(limit);
        Ok(hits)
    }
}

/// Builds the index a member may search: every prior decision, and the
/// decisions of finalised rounds — except, for `viewer`, those of
/// applications they are recused from in a round that is not finalised
/// long ago but current (the latest round of its call).
pub fn load(store: &Store, viewer: Option<&crate::domain::Member>) -> Result<Index> {
    let calls = store.calls()?;
    // Flags match by their Chinese and English names whatever the interface language.
    let flag_names = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .flat_map(|f| {
                [Lang::Zh, Lang::En].map(|l| {
                    calls
                        .iter()
                        .find_map(|c| c.name_of(f, l))
                        .unwrap_or_else(|| f.clone())
                })
            })
            .collect()
    };
    let mut records = Vec::new();
    let mut cache = SpellingCache::new();
    for p in store.prior_decisions()? {
        let prefecture_name = calls
            .iter()
            .find_map(|c| c.prefecture(&p.prefecture).map(|x| x.name.clone()))
            .unwrap_or_else(|| p.prefecture.clone());
        let names = flag_names(&p.flags);
        records.push(
            Record {
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
                prefecture_name,
                flags: p.flags,
                outcome: p.outcome,
                grade: p.grade,
                score: p.score,
                rank: p.rank,
                rationale: p.rationale,
                decided_by: p.decided_by,
                keys: Keys::default(),
            }
            .index(&names, &mut cache),
        );
    }
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
            let names = flag_names(&app.flags);
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
    Ok(Index::new(records))
}
