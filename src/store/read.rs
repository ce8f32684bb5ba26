//! Reads, in domain types. Shared by [`Store`](super::Store) and the
//! [`Writer`](super::Writer) (which checks rules against what is stored).
//! Written once over [`Db`], whatever the engine.

use super::sql::{Db, Row, args};
use super::{Result, Store, StoreError};
use crate::domain::*;
use serde::Serialize;
use std::collections::BTreeMap;

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn date(what: &str, text: &str) -> Result<chrono::NaiveDate> {
    crate::domain::date::parse(text).ok_or_else(|| corrupt(what, format!("bad date {text:?}")))
}

pub(crate) fn call(db: Db<'_>, id: &str) -> Result<Option<Call>> {
    let text: Option<String> = db.value("SELECT definition FROM calls WHERE id = ?1", args![id])?;
    text.map(|t| json(&format!("call {id}"), &t)).transpose()
}

pub(crate) fn calls(db: Db<'_>) -> Result<Vec<Call>> {
    db.query_map(
        "SELECT id, definition FROM calls ORDER BY id",
        args![],
        |r| {
            let id: String = r.get(0)?;
            json(&format!("call {id}"), &r.get::<String>(1)?)
        },
    )
}

fn round_from(r: &Row) -> Result<Round> {
    let kind: String = r.get(2)?;
    let state: String = r.get(7)?;
    let deadline: String = r.get(6)?;
    Ok(Round {
        id: r.get(0)?,
        call: r.get(1)?,
        kind: RoundKind::parse(&kind).ok_or_else(|| corrupt("round kind", &kind))?,
        name: r.get(3)?,
        name_en: r.get(4)?,
        rubric: r.get(5)?,
        deadline: date("round deadline", &deadline)?,
        state: RoundState::parse(&state).ok_or_else(|| corrupt("round state", &state))?,
        year: r.get(8)?,
        midterm: r.get::<Option<bool>>(9)?.unwrap_or(false),
    })
}

const ROUND_COLS: &str = "id, call_id, kind, name, name_en, rubric, deadline, state, year, midterm";

pub(crate) fn round(db: Db<'_>, id: &str) -> Result<Option<Round>> {
    let sql = format!("SELECT {ROUND_COLS} FROM rounds WHERE id = ?1");
    db.query_opt(&sql, args![id])?
        .map(|r| round_from(&r))
        .transpose()
}

pub(crate) fn rounds(db: Db<'_>) -> Result<Vec<Round>> {
    let sql = format!("SELECT {ROUND_COLS} FROM rounds ORDER BY deadline, id");
    db.query_map(&sql, args![], round_from)
}

const APP_COLS: &str = "id, call_id, name, name_en, tier, prefecture, region, flags, submitted_on, \
     route, government_approval, contact, leading_group_head, leading_group_principal, sections, indicators";

fn app_from(r: &Row) -> Result<[String; 16]> {
    let mut out: [String; 16] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = match r.value(i) {
            super::sql::Value::Int(n) => n.to_string(),
            _ => r.get::<String>(i)?,
        };
    }
    Ok(out)
}

fn finish_app(db: Db<'_>, f: [String; 16]) -> Result<Application> {
    let mut app = app_without_plan(f)?;
    app.projects = projects(db, &app.id)?;
    Ok(app)
}

/// An application without its investment plan (one query less: a score
/// write needs its tier and 市州, not its projects).
fn app_without_plan(f: [String; 16]) -> Result<Application> {
    let what = format!("application {}", f[0]);
    let route = Route::parse(&f[9]).ok_or_else(|| corrupt(&what, "route"))?;
    Ok(Application {
        projects: Vec::new(),
        flags: json(&what, &f[7])?,
        submitted_on: date(&what, &f[8])?,
        route,
        government_approval: f[10] == "1",
        leading_group: LeadingGroup {
            head: f[12].clone(),
            principal: f[13] == "1",
        },
        sections: json(&what, &f[14])?,
        indicators: json(&what, &f[15])?,
        id: f[0].clone(),
        call: f[1].clone(),
        name: f[2].clone(),
        name_en: f[3].clone(),
        tier: f[4].clone(),
        prefecture: f[5].clone(),
        region: f[6].clone(),
        contact: f[11].clone(),
    })
}

fn projects(db: Db<'_>, app: &str) -> Result<Vec<Project>> {
    db.query_map(
        "SELECT name, category, status, total, plan FROM projects
         WHERE application_id = ?1 ORDER BY seq",
        args![app],
        |r| {
            Ok(Project {
                plan: json(&format!("project plan of {app}"), &r.get::<String>(4)?)?,
                name: r.get(0)?,
                category: r.get(1)?,
                status: r.get(2)?,
                total: r.get(3)?,
            })
        },
    )
}

pub(crate) fn application(db: Db<'_>, id: &str) -> Result<Option<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM applications WHERE id = ?1");
    let row = db.query_opt(&sql, args![id])?;
    row.map(|r| finish_app(db, app_from(&r)?)).transpose()
}

/// [`application`] without its investment plan (see [`app_without_plan`]).
pub(crate) fn application_facts(db: Db<'_>, id: &str) -> Result<Option<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM applications WHERE id = ?1");
    let row = db.query_opt(&sql, args![id])?;
    row.map(|r| app_without_plan(app_from(&r)?)).transpose()
}

/// What queues, matrices and lists show of an application: no texts, no
/// investment plan, and its eligibility as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AppFacts {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub tier: String,
    pub prefecture: String,
    pub region: String,
    pub flags: Vec<String>,
    pub verdict: Verdict,
    /// The eligibility checks it failed, in the call's order.
    pub failed_checks: Vec<CheckKind>,
}

impl AppFacts {
    /// The name in `lang` (the Chinese one where no English is given),
    /// made safe for a terminal, as `Application::shown`.
    pub fn shown(&self, lang: crate::base::i18n::Lang) -> String {
        let name = crate::base::i18n::name_in(lang, &self.name, &self.name_en);
        crate::base::text::sanitize(name)
    }
}

/// Every application of a call without its texts, by tier and id. Where
/// the stored eligibility is missing (not yet computed) the application is
/// read whole and assessed here, so readers never see a guess.
pub(crate) fn app_facts_of_call(db: Db<'_>, call_id: &str) -> Result<Vec<AppFacts>> {
    let rows = db.query_map(
        "SELECT id, name, name_en, tier, prefecture, region, flags, verdict, failed_checks
         FROM applications WHERE call_id = ?1 ORDER BY tier, id",
        args![call_id],
        |r| {
            let id: String = r.get(0)?;
            let what = format!("application {id}");
            let verdict: Option<String> = r.get(7)?;
            let failed: Option<String> = r.get(8)?;
            let stored = match (verdict, failed) {
                (Some(v), Some(f)) => Some((
                    Verdict::parse(&v).ok_or_else(|| corrupt(&what, "verdict"))?,
                    json::<Vec<CheckKind>>(&what, &f)?,
                )),
                _ => None,
            };
            let flags: String = r.get(6)?;
            Ok((
                AppFacts {
                    flags: json(&what, &flags)?,
                    id,
                    name: r.get(1)?,
                    name_en: r.get(2)?,
                    tier: r.get(3)?,
                    prefecture: r.get(4)?,
                    region: r.get(5)?,
                    verdict: Verdict::Eligible,
                    failed_checks: Vec::new(),
                },
                stored,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(mut facts, stored)| {
            (facts.verdict, facts.failed_checks) = match stored {
                Some(s) => s,
                None => assessed_now(db, call_id, &facts.id)?,
            };
            Ok(facts)
        })
        .collect()
}

/// An application's eligibility worked out from the whole application
/// (for one whose stored eligibility is not yet computed: rare, so the
/// call is read each time).
fn assessed_now(db: Db<'_>, call_id: &str, app: &str) -> Result<(Verdict, Vec<CheckKind>)> {
    let what = format!("application {app}");
    let c = call(db, call_id)?.ok_or_else(|| corrupt(&what, format!("no call {call_id}")))?;
    let a = application(db, app)?.ok_or_else(|| corrupt(&what, "vanished"))?;
    let assessed = crate::domain::assess(&c, &a);
    let failed = assessed.failures().map(|c| c.kind).collect();
    Ok((assessed.verdict, failed))
}

pub(crate) fn applications(db: Db<'_>, call_id: &str) -> Result<Vec<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM applications WHERE call_id = ?1 ORDER BY tier, id");
    let rows = db.query_map(&sql, args![call_id], app_from)?;
    // Every plan of the call in one query: one per application was a round
    // trip each on a server.
    let mut plans = projects_of_call(db, call_id)?;
    rows.into_iter()
        .map(|f| {
            let mut app = app_without_plan(f)?;
            app.projects = plans.remove(&app.id).unwrap_or_default();
            Ok(app)
        })
        .collect()
}

/// Each application of a call with its prefecture (what recusal by home
/// 市州 needs, without the texts).
pub(crate) fn application_prefectures(db: Db<'_>, call_id: &str) -> Result<Vec<(String, String)>> {
    db.query_map(
        "SELECT id, prefecture FROM applications WHERE call_id = ?1 ORDER BY id",
        args![call_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The investment plans of a call's applications, by application.
fn projects_of_call(
    db: Db<'_>,
    call_id: &str,
) -> Result<std::collections::HashMap<String, Vec<Project>>> {
    let mut out: std::collections::HashMap<String, Vec<Project>> = Default::default();
    db.for_each(
        "SELECT p.application_id, p.name, p.category, p.status, p.total, p.plan
         FROM projects p JOIN applications a ON a.id = p.application_id
         WHERE a.call_id = ?1 ORDER BY p.application_id, p.seq",
        args![call_id],
        |r| {
            let app: String = r.get(0)?;
            let project = Project {
                plan: json(&format!("project plan of {app}"), &r.get::<String>(5)?)?,
                name: r.get(1)?,
                category: r.get(2)?,
                status: r.get(3)?,
                total: r.get(4)?,
            };
            out.entry(app).or_default().push(project);
            Ok(())
        },
    )?;
    Ok(out)
}

fn member_from(r: &Row) -> Result<Member> {
    let id: String = r.get(0)?;
    Ok(Member {
        roles: json(&format!("member {id}"), &r.get::<String>(5)?)?,
        name: r.get(1)?,
        name_en: r.get(2)?,
        department: r.get(3)?,
        home_prefecture: r.get(4)?,
        id,
    })
}

pub(crate) fn member(db: Db<'_>, id: &str) -> Result<Option<Member>> {
    db.query_opt(
        "SELECT id, name, name_en, department, home_prefecture, roles FROM members WHERE id = ?1",
        args![id],
    )?
    .map(|r| member_from(&r))
    .transpose()
}

pub(crate) fn members(db: Db<'_>) -> Result<Vec<Member>> {
    db.query_map(
        "SELECT id, name, name_en, department, home_prefecture, roles FROM members ORDER BY id",
        args![],
        member_from,
    )
}

pub(crate) fn conflict(db: Db<'_>, member: &str, app: &str) -> Result<Option<Conflict>> {
    let reason: Option<String> = db.value(
        "SELECT reason FROM conflicts WHERE member_id = ?1 AND application_id = ?2",
        args![member, app],
    )?;
    Ok(reason.map(|reason| Conflict {
        member: member.to_string(),
        application: app.to_string(),
        reason,
    }))
}

fn conflict_from(r: &Row) -> Result<Conflict> {
    Ok(Conflict {
        member: r.get(0)?,
        application: r.get(1)?,
        reason: r.get(2)?,
    })
}

pub(crate) fn conflicts(db: Db<'_>) -> Result<Vec<Conflict>> {
    db.query_map(
        "SELECT member_id, application_id, reason FROM conflicts ORDER BY member_id, application_id",
        args![],
        conflict_from,
    )
}

/// The conflicts `member` declared, by application.
pub(crate) fn conflicts_of(db: Db<'_>, member: &str) -> Result<BTreeMap<String, Conflict>> {
    Ok(db
        .query_map(
            "SELECT member_id, application_id, reason FROM conflicts WHERE member_id = ?1",
            args![member],
            conflict_from,
        )?
        .into_iter()
        .map(|c| (c.application.clone(), c))
        .collect())
}

pub(crate) fn is_assigned(db: Db<'_>, round: &str, member: &str, app: &str) -> Result<bool> {
    Ok(db
        .query_opt(
            "SELECT 1 FROM assignments WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
            args![round, member, app],
        )?
        .is_some())
}

pub(crate) fn assignments(db: Db<'_>, round: &str) -> Result<Vec<Assignment>> {
    db.query_map(
        "SELECT round_id, member_id, application_id FROM assignments
         WHERE round_id = ?1 ORDER BY member_id, application_id",
        args![round],
        |r| {
            Ok(Assignment {
                round: r.get(0)?,
                member: r.get(1)?,
                application: r.get(2)?,
            })
        },
    )
}

/// The rounds in which `member` has assignments.
pub(crate) fn rounds_assigned(
    db: Db<'_>,
    member: &str,
) -> Result<std::collections::BTreeSet<String>> {
    Ok(db
        .query_map(
            "SELECT DISTINCT round_id FROM assignments WHERE member_id = ?1",
            args![member],
            |r| r.get::<String>(0),
        )?
        .into_iter()
        .collect())
}

pub(crate) fn reviews(db: Db<'_>, round: &str) -> Result<Vec<Review>> {
    let mut scores: BTreeMap<(String, String), Vec<Score>> = BTreeMap::new();
    // In the order the criteria were first written (SQLite's rowid; an
    // engine without one needs a sequence column for the same order).
    db.for_each(
        "SELECT member_id, application_id, criterion_id, value, comment FROM scores
         WHERE round_id = ?1 ORDER BY member_id, application_id, rowid",
        args![round],
        |r| {
            scores
                .entry((r.get(0)?, r.get(1)?))
                .or_default()
                .push(Score {
                    criterion: r.get(2)?,
                    value: r.get(3)?,
                    comment: r.get(4)?,
                });
            Ok(())
        },
    )?;
    db.query_map(
        "SELECT member_id, application_id, status, overall_comment, entered_by FROM reviews
         WHERE round_id = ?1 ORDER BY member_id, application_id",
        args![round],
        |r| {
            let member: String = r.get(0)?;
            let application: String = r.get(1)?;
            let status: String = r.get(2)?;
            Ok(Review {
                scores: scores
                    .remove(&(member.clone(), application.clone()))
                    .unwrap_or_default(),
                round: round.to_string(),
                status: ReviewStatus::parse(&status)
                    .ok_or_else(|| corrupt("review status", &status))?,
                overall_comment: r.get(3)?,
                entered_by: r.get(4)?,
                member,
                application,
            })
        },
    )
}

/// Who has a review of one application in a round, and its status.
pub(crate) fn reviews_of(
    db: Db<'_>,
    round: &str,
    app: &str,
) -> Result<Vec<(String, ReviewStatus)>> {
    db.query_map(
        "SELECT member_id, status FROM reviews WHERE round_id = ?1 AND application_id = ?2",
        args![round, app],
        |r| {
            let s: String = r.get(1)?;
            let status = ReviewStatus::parse(&s).ok_or_else(|| corrupt("review status", &s))?;
            Ok((r.get(0)?, status))
        },
    )
}

/// A prior decision's columns, in the order [`prior_from_row`] reads them.
const PRIOR_COLUMNS: &str = "id, programme, round, kind, year, decided_on, applicant, tier, \
     prefecture, flags, outcome, grade, score, rank, rationale, decided_by";

/// The same columns of `prior_decisions p`, for a join.
pub(crate) const PRIOR_COLUMNS_OF_P: &str = "p.id, p.programme, p.round, p.kind, p.year, \
     p.decided_on, p.applicant, p.tier, p.prefecture, p.flags, p.outcome, p.grade, p.score, \
     p.rank, p.rationale, p.decided_by";

pub(crate) fn prior_decisions(db: Db<'_>) -> Result<Vec<PriorDecision>> {
    db.query_map(
        &format!("SELECT {PRIOR_COLUMNS} FROM prior_decisions ORDER BY decided_on DESC, id"),
        args![],
        |r| prior_from_row(r, 0),
    )
}

/// A prior decision from its columns, starting at `at`.
pub(crate) fn prior_from_row(r: &Row, at: usize) -> Result<PriorDecision> {
    let id: String = r.get(at)?;
    let kind: String = r.get(at + 3)?;
    let decided_on: String = r.get(at + 5)?;
    let flags: String = r.get(at + 9)?;
    let outcome: Option<String> = r.get(at + 10)?;
    Ok(PriorDecision {
        kind: RoundKind::parse(&kind).ok_or_else(|| corrupt(&id, "kind"))?,
        decided_on: date(&id, &decided_on)?,
        flags: json(&id, &flags)?,
        outcome: match outcome {
            Some(o) => Some(Outcome::parse(&o).ok_or_else(|| corrupt(&id, "outcome"))?),
            None => None,
        },
        programme: r.get(at + 1)?,
        round: r.get(at + 2)?,
        year: r.get(at + 4)?,
        applicant: r.get(at + 6)?,
        tier: r.get(at + 7)?,
        prefecture: r.get(at + 8)?,
        grade: r.get(at + 11)?,
        score: r.get(at + 12)?,
        rank: r.get(at + 13)?,
        rationale: r.get(at + 14)?,
        decided_by: r.get(at + 15)?,
        id,
    })
}

/// How far a round's reviews have come.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReviewProgress {
    pub assigned: usize,
    pub submitted: usize,
    pub draft: usize,
    pub not_started: usize,
    pub recused: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoreCounts {
    pub calls: usize,
    pub rounds: usize,
    pub applications: usize,
    pub members: usize,
    pub conflicts: usize,
    pub assignments: usize,
    pub reviews: usize,
    pub scores: usize,
    pub decisions: usize,
    pub prior_decisions: usize,
    pub audit_entries: usize,
}

fn count(db: Db<'_>, table: &str) -> Result<usize> {
    let n: Option<i64> = db.value(&format!("SELECT count(*) FROM {table}"), args![])?;
    Ok(n.unwrap_or(0) as usize)
}

/// An open revisit request's note, if there is one.
pub(crate) fn open_revisit(
    db: Db<'_>,
    round: &str,
    member: &str,
    app: &str,
) -> Result<Option<String>> {
    db.value(
        "SELECT note FROM revisits WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3 AND open = 1",
        args![round, member, app],
    )
}

/// Per application: (discussed, note).
pub(crate) fn deliberations(db: Db<'_>, round: &str) -> Result<BTreeMap<String, (bool, String)>> {
    Ok(db
        .query_map(
            "SELECT application_id, discussed, note FROM deliberations WHERE round_id = ?1",
            args![round],
            |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
        )?
        .into_iter()
        .collect())
}

/// Open revisit requests: (member, application) → note.
pub(crate) fn open_revisits(db: Db<'_>, round: &str) -> Result<BTreeMap<(String, String), String>> {
    Ok(db
        .query_map(
            "SELECT member_id, application_id, note FROM revisits WHERE round_id = ?1 AND open = 1",
            args![round],
            |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)),
        )?
        .into_iter()
        .collect())
}

/// The comments a member was typing and has not committed (kept because
/// the session was killed, the review was submitted elsewhere or the round
/// moved on): criterion id ('' for the overall comment) → text.
pub(crate) fn edit_buffers(
    db: Db<'_>,
    round: &str,
    member: &str,
    application: &str,
) -> Result<BTreeMap<String, String>> {
    Ok(db
        .query_map(
            "SELECT criterion_id, text FROM edit_buffers
             WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
            args![round, member, application],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .into_iter()
        .collect())
}

/// The secretary's overrides in a round: application → (outcome, reason).
pub(crate) fn overrides(db: Db<'_>, round: &str) -> Result<BTreeMap<String, (Outcome, String)>> {
    Ok(db
        .query_map(
            "SELECT application_id, outcome, reason FROM overrides WHERE round_id = ?1",
            args![round],
            |r| {
                let outcome: String = r.get(1)?;
                let o = Outcome::parse(&outcome)
                    .ok_or_else(|| corrupt("override outcome", &outcome))?;
                Ok((r.get(0)?, (o, r.get(2)?)))
            },
        )?
        .into_iter()
        .collect())
}

/// The decisions of a round (present once it is finalised).
pub(crate) fn decisions(db: Db<'_>, round: &str) -> Result<Vec<Decision>> {
    db.query_map(
        "SELECT application_id, outcome, grade, rationale, decided_by, decided_at, score, due_on,
                facts
         FROM decisions_read WHERE round_id = ?1 ORDER BY application_id",
        args![round],
        |r| {
            let outcome: Option<String> = r.get(1)?;
            let at: String = r.get(5)?;
            Ok(Decision {
                round: round.to_string(),
                application: r.get(0)?,
                outcome: match outcome {
                    Some(o) => {
                        Some(Outcome::parse(&o).ok_or_else(|| corrupt("decision outcome", &o))?)
                    }
                    None => None,
                },
                grade: r.get(2)?,
                score: r.get(6)?,
                due_on: match r.get::<Option<String>>(7)? {
                    Some(d) => Some(date("decision due date", &d)?),
                    None => None,
                },
                rationale: r.get(3)?,
                decided_by: r.get(4)?,
                decided_on: date("decision date", &at)?,
                facts: match r.get::<Option<String>>(8)? {
                    Some(f) => {
                        Some(serde_json::from_str(&f).map_err(|_| corrupt("decision facts", &f))?)
                    }
                    None => None,
                },
            })
        },
    )
}

/// Actual investment per year of every application of a call that has any.
pub(crate) fn actuals_of_call(
    db: Db<'_>,
    call_id: &str,
) -> Result<BTreeMap<String, BTreeMap<i32, f64>>> {
    let mut out: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
    db.for_each(
        "SELECT x.application_id, x.year, x.amount
         FROM investment_actuals x JOIN applications a ON a.id = x.application_id
         WHERE a.call_id = ?1",
        args![call_id],
        |r| {
            out.entry(r.get(0)?)
                .or_default()
                .insert(r.get(1)?, r.get(2)?);
            Ok(())
        },
    )?;
    Ok(out)
}

pub(crate) fn actuals(db: Db<'_>, application: &str) -> Result<BTreeMap<i32, f64>> {
    Ok(db
        .query_map(
            "SELECT year, amount FROM investment_actuals WHERE application_id = ?1 ORDER BY year",
            args![application],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .into_iter()
        .collect())
}

impl Store {
    /// A member's passphrase hash, and whether it is an initial one the
    /// secretary issued (to be replaced at first sign-in).
    pub fn passphrase(&self, member: &str) -> Result<Option<(String, bool)>> {
        self.db()
            .query_opt(
                "SELECT phc, coalesce(initial, 0) FROM member_secrets WHERE member_id = ?1",
                args![member],
            )?
            .map(|r| Ok((r.get(0)?, r.get::<i64>(1)? == 1)))
            .transpose()
    }

    /// A member's passphrase hash, if they have set one.
    pub fn passphrase_hash(&self, member: &str) -> Result<Option<String>> {
        self.db().value(
            "SELECT phc FROM member_secrets WHERE member_id = ?1",
            args![member],
        )
    }

    /// Members who have set a passphrase. Once anyone has, the panel is
    /// "locked": every command that reads reviews needs `--as` and a passphrase.
    pub fn locked_members(&self) -> Result<Vec<String>> {
        self.db().query_map(
            "SELECT member_id FROM member_secrets ORDER BY member_id",
            args![],
            |r| r.get(0),
        )
    }

    pub fn decisions(&self, round: &str) -> Result<Vec<Decision>> {
        decisions(self.db(), round)
    }

    /// Actual investment per year of an application (year → amount).
    pub fn actuals(&self, application: &str) -> Result<BTreeMap<i32, f64>> {
        actuals(self.db(), application)
    }

    /// [`Store::actuals`] of every application of a call, in one query.
    pub fn actuals_of_call(&self, call_id: &str) -> Result<BTreeMap<String, BTreeMap<i32, f64>>> {
        actuals_of_call(self.db(), call_id)
    }

    /// The investment plan of every application of a call, in one query
    /// (without the applications' texts).
    pub fn plans_of_call(
        &self,
        call_id: &str,
    ) -> Result<std::collections::HashMap<String, Vec<Project>>> {
        projects_of_call(self.db(), call_id)
    }

    pub fn deliberations(&self, round: &str) -> Result<BTreeMap<String, (bool, String)>> {
        deliberations(self.db(), round)
    }

    pub fn open_revisits(&self, round: &str) -> Result<BTreeMap<(String, String), String>> {
        open_revisits(self.db(), round)
    }

    /// A member's kept (uncommitted) comments on one application.
    pub fn edit_buffers(
        &self,
        round: &str,
        member: &str,
        application: &str,
    ) -> Result<BTreeMap<String, String>> {
        edit_buffers(self.db(), round, member, application)
    }

    pub fn overrides(&self, round: &str) -> Result<BTreeMap<String, (Outcome, String)>> {
        overrides(self.db(), round)
    }

    pub fn call(&self, id: &str) -> Result<Option<Call>> {
        call(self.db(), id)
    }
    pub fn calls(&self) -> Result<Vec<Call>> {
        calls(self.db())
    }
    pub fn round(&self, id: &str) -> Result<Option<Round>> {
        round(self.db(), id)
    }
    pub fn rounds(&self) -> Result<Vec<Round>> {
        rounds(self.db())
    }
    pub fn application(&self, id: &str) -> Result<Option<Application>> {
        application(self.db(), id)
    }
    pub fn applications(&self, call_id: &str) -> Result<Vec<Application>> {
        applications(self.db(), call_id)
    }
    pub fn member(&self, id: &str) -> Result<Option<Member>> {
        member(self.db(), id)
    }
    pub fn members(&self) -> Result<Vec<Member>> {
        members(self.db())
    }
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        conflicts(self.db())
    }
    /// The conflicts `member` declared, by application (read once where a
    /// screen decides recusal for many applications).
    pub fn conflicts_of(&self, member: &str) -> Result<BTreeMap<String, Conflict>> {
        conflicts_of(self.db(), member)
    }
    pub fn assignments(&self, round: &str) -> Result<Vec<Assignment>> {
        assignments(self.db(), round)
    }
    /// What queues, matrices and lists show of each application of a
    /// call (no texts), by tier and id.
    pub fn app_facts(&self, call_id: &str) -> Result<Vec<AppFacts>> {
        app_facts_of_call(self.db(), call_id)
    }
    /// Each application of a call with its prefecture.
    pub fn application_prefectures(&self, call_id: &str) -> Result<Vec<(String, String)>> {
        application_prefectures(self.db(), call_id)
    }
    /// The ids of the rounds in which `member` has assignments.
    pub fn rounds_assigned(&self, member: &str) -> Result<std::collections::BTreeSet<String>> {
        rounds_assigned(self.db(), member)
    }
    pub fn reviews(&self, round: &str) -> Result<Vec<Review>> {
        reviews(self.db(), round)
    }
    pub fn prior_decisions(&self) -> Result<Vec<PriorDecision>> {
        prior_decisions(self.db())
    }

    /// Whether `member` must sit out `app`: a declared conflict, or the
    /// application comes from the member's home prefecture.
    pub fn recusal(&self, member: &Member, app: &Application) -> Result<Option<panel::Recusal>> {
        let declared = conflict(self.db(), &member.id, &app.id)?;
        Ok(panel::recusal(member, &app.prefecture, declared.as_ref()))
    }

    pub fn counts(&self) -> Result<StoreCounts> {
        let c = self.db();
        Ok(StoreCounts {
            calls: count(c, "calls")?,
            rounds: count(c, "rounds")?,
            applications: count(c, "applications")?,
            members: count(c, "members")?,
            conflicts: count(c, "conflicts")?,
            assignments: count(c, "assignments")?,
            reviews: count(c, "reviews")?,
            scores: count(c, "scores")?,
            decisions: count(c, "decisions")?,
            prior_decisions: count(c, "prior_decisions")?,
            // The head's number, not a count of rows: on a server a member may
            // not read every entry, but the chain's length is no secret.
            audit_entries: c
                .value::<i64>("SELECT seq FROM audit_head", args![])?
                .unwrap_or(0) as usize,
        })
    }

    /// Checks integrity, the audit chain, and that the tables match the log.
    pub fn verify(&self) -> Result<super::VerifyReport> {
        self.require_reads_all("verify")?;
        super::audit::verify(self.db())
    }

    /// Progress of a round: every assignment is submitted, draft, not
    /// started, or recused (conflicted members count as recused whatever
    /// they hold).
    pub fn progress(&self, round: &Round) -> Result<ReviewProgress> {
        let members: BTreeMap<String, Member> = self
            .members()?
            .into_iter()
            .map(|m| (m.id.clone(), m))
            .collect();
        let apps: BTreeMap<String, Application> = self
            .applications(&round.call)?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        // Statuses only, through the view every member may read (on a
        // server the reviews themselves are filtered per reader).
        let reviews: BTreeMap<(String, String), ReviewStatus> = self
            .db()
            .query_map(
                "SELECT member_id, application_id, status FROM review_progress WHERE round_id = ?1",
                args![round.id],
                |r| {
                    let status: String = r.get(2)?;
                    let status = ReviewStatus::parse(&status)
                        .ok_or_else(|| corrupt("review status", &status))?;
                    Ok(((r.get(0)?, r.get(1)?), status))
                },
            )?
            .into_iter()
            .collect();
        let mut p = ReviewProgress::default();
        for a in self.assignments(&round.id)? {
            p.assigned += 1;
            let (Some(m), Some(app)) = (members.get(&a.member), apps.get(&a.application)) else {
                continue;
            };
            if self.recusal(m, app)?.is_some() {
                p.recused += 1;
                continue;
            }
            match reviews.get(&(a.member.clone(), a.application.clone())) {
                Some(ReviewStatus::Submitted) => p.submitted += 1,
                Some(ReviewStatus::Draft) => p.draft += 1,
                None => p.not_started += 1,
            }
        }
        Ok(p)
    }
}
