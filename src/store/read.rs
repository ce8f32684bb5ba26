//! Reads, in domain types. Shared by [`Store`](super::Store) and the
//! [`Writer`](super::Writer) (which checks rules against what is stored).

use super::{Result, Store, StoreError};
use crate::domain::*;
use rusqlite::{Connection, OptionalExtension, Row, params};
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

pub(crate) fn call(conn: &Connection, id: &str) -> Result<Option<Call>> {
    let text: Option<String> = conn
        .query_row("SELECT definition FROM calls WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    text.map(|t| json(&format!("call {id}"), &t)).transpose()
}

pub(crate) fn calls(conn: &Connection) -> Result<Vec<Call>> {
    let mut stmt = conn.prepare("SELECT id, definition FROM calls ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, text) = row?;
        out.push(json(&format!("call {id}"), &text)?);
    }
    Ok(out)
}

fn round_from(r: &Row<'_>) -> rusqlite::Result<(Round, String, String, String)> {
    let kind: String = r.get(2)?;
    let state: String = r.get(7)?;
    let deadline: String = r.get(6)?;
    Ok((
        Round {
            id: r.get(0)?,
            call: r.get(1)?,
            kind: RoundKind::Selection,
            name: r.get(3)?,
            name_en: r.get(4)?,
            rubric: r.get(5)?,
            deadline: chrono::NaiveDate::MIN,
            state: RoundState::Open,
            year: r.get(8)?,
            midterm: r.get::<_, Option<bool>>(9)?.unwrap_or(false),
        },
        kind,
        state,
        deadline,
    ))
}

fn finish_round(
    (mut round, kind, state, deadline): (Round, String, String, String),
) -> Result<Round> {
    round.kind = RoundKind::parse(&kind).ok_or_else(|| corrupt("round kind", &kind))?;
    round.state = RoundState::parse(&state).ok_or_else(|| corrupt("round state", &state))?;
    round.deadline = date("round deadline", &deadline)?;
    Ok(round)
}

const ROUND_COLS: &str = "id, call_id, kind, name, name_en, rubric, deadline, state, year, midterm";

pub(crate) fn round(conn: &Connection, id: &str) -> Result<Option<Round>> {
    let sql = format!("SELECT {ROUND_COLS} FROM rounds WHERE id = ?1");
    let row = conn.query_row(&sql, [id], round_from).optional()?;
    row.map(finish_round).transpose()
}

pub(crate) fn rounds(conn: &Connection) -> Result<Vec<Round>> {
    let sql = format!("SELECT {ROUND_COLS} FROM rounds ORDER BY deadline, id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], round_from)?;
    rows.map(|r| finish_round(r?)).collect()
}

const APP_COLS: &str = "id, call_id, name, name_en, tier, prefecture, region, flags, submitted_on, \
     route, government_approval, contact, leading_group_head, leading_group_principal, sections, indicators";

fn app_from(r: &Row<'_>) -> rusqlite::Result<[String; 16]> {
    let mut out: [String; 16] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = match r.get_ref(i)? {
            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
            _ => r.get::<_, String>(i)?,
        };
    }
    Ok(out)
}

fn finish_app(conn: &Connection, f: [String; 16]) -> Result<Application> {
    let what = format!("application {}", f[0]);
    let route = Route::parse(&f[9]).ok_or_else(|| corrupt(&what, "route"))?;
    Ok(Application {
        projects: projects(conn, &f[0])?,
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

fn projects(conn: &Connection, app: &str) -> Result<Vec<Project>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, category, status, total, plan FROM projects
         WHERE application_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([app], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, f64>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, category, status, total, plan) = row?;
        out.push(Project {
            plan: json(&format!("project plan of {app}"), &plan)?,
            name,
            category,
            status,
            total,
        });
    }
    Ok(out)
}

pub(crate) fn application(conn: &Connection, id: &str) -> Result<Option<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM applications WHERE id = ?1");
    let row = conn.query_row(&sql, [id], app_from).optional()?;
    row.map(|f| finish_app(conn, f)).transpose()
}

pub(crate) fn applications(conn: &Connection, call_id: &str) -> Result<Vec<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM applications WHERE call_id = ?1 ORDER BY tier, id");
    let mut stmt = conn.prepare(&sql)?;
    let rows: Vec<[String; 16]> = stmt
        .query_map([call_id], app_from)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|f| finish_app(conn, f)).collect()
}

fn member_from(r: &Row<'_>) -> rusqlite::Result<(Member, String)> {
    Ok((
        Member {
            id: r.get(0)?,
            name: r.get(1)?,
            name_en: r.get(2)?,
            department: r.get(3)?,
            home_prefecture: r.get(4)?,
            roles: Vec::new(),
        },
        r.get(5)?,
    ))
}

fn finish_member((mut m, roles): (Member, String)) -> Result<Member> {
    m.roles = json(&format!("member {}", m.id), &roles)?;
    Ok(m)
}

pub(crate) fn member(conn: &Connection, id: &str) -> Result<Option<Member>> {
    conn.query_row(
        "SELECT id, name, name_en, department, home_prefecture, roles FROM members WHERE id = ?1",
        [id],
        member_from,
    )
    .optional()?
    .map(finish_member)
    .transpose()
}

pub(crate) fn members(conn: &Connection) -> Result<Vec<Member>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, name_en, department, home_prefecture, roles FROM members ORDER BY id",
    )?;
    let rows = stmt.query_map([], member_from)?;
    rows.map(|r| finish_member(r?)).collect()
}

pub(crate) fn conflict(conn: &Connection, member: &str, app: &str) -> Result<Option<Conflict>> {
    Ok(conn
        .query_row(
            "SELECT reason FROM conflicts WHERE member_id = ?1 AND application_id = ?2",
            params![member, app],
            |r| {
                Ok(Conflict {
                    member: member.to_string(),
                    application: app.to_string(),
                    reason: r.get(0)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn conflicts(conn: &Connection) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare(
        "SELECT member_id, application_id, reason FROM conflicts ORDER BY member_id, application_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Conflict {
            member: r.get(0)?,
            application: r.get(1)?,
            reason: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn is_assigned(conn: &Connection, round: &str, member: &str, app: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM assignments WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
            params![round, member, app],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub(crate) fn assignments(conn: &Connection, round: &str) -> Result<Vec<Assignment>> {
    let mut stmt = conn.prepare(
        "SELECT round_id, member_id, application_id FROM assignments
         WHERE round_id = ?1 ORDER BY member_id, application_id",
    )?;
    let rows = stmt.query_map([round], |r| {
        Ok(Assignment {
            round: r.get(0)?,
            member: r.get(1)?,
            application: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn reviews(conn: &Connection, round: &str) -> Result<Vec<Review>> {
    let mut stmt = conn.prepare(
        "SELECT member_id, application_id, status, overall_comment, entered_by FROM reviews
         WHERE round_id = ?1 ORDER BY member_id, application_id",
    )?;
    let heads = stmt
        .query_map([round], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut scores: BTreeMap<(String, String), Vec<Score>> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT member_id, application_id, criterion_id, value, comment FROM scores
         WHERE round_id = ?1 ORDER BY member_id, application_id, rowid",
    )?;
    let mut rows = stmt.query([round])?;
    while let Some(r) = rows.next()? {
        scores
            .entry((r.get(0)?, r.get(1)?))
            .or_default()
            .push(Score {
                criterion: r.get(2)?,
                value: r.get(3)?,
                comment: r.get(4)?,
            });
    }
    heads
        .into_iter()
        .map(
            |(member, application, status, overall_comment, entered_by)| {
                let status = ReviewStatus::parse(&status)
                    .ok_or_else(|| corrupt("review status", &status))?;
                Ok(Review {
                    scores: scores
                        .remove(&(member.clone(), application.clone()))
                        .unwrap_or_default(),
                    round: round.to_string(),
                    member,
                    application,
                    status,
                    overall_comment,
                    entered_by,
                })
            },
        )
        .collect()
}

/// Who has a review of one application in a round, and its status.
pub(crate) fn reviews_of(
    conn: &Connection,
    round: &str,
    app: &str,
) -> Result<Vec<(String, ReviewStatus)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, status FROM reviews WHERE round_id = ?1 AND application_id = ?2",
    )?;
    let rows = stmt
        .query_map(params![round, app], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(m, s)| {
            let status = ReviewStatus::parse(&s).ok_or_else(|| corrupt("review status", &s))?;
            Ok((m, status))
        })
        .collect()
}

pub(crate) fn prior_decisions(conn: &Connection) -> Result<Vec<PriorDecision>> {
    let mut stmt = conn.prepare(
        "SELECT id, programme, round, kind, year, decided_on, applicant, tier, prefecture, flags,
                outcome, grade, score, rank, rationale, decided_by
         FROM prior_decisions ORDER BY decided_on DESC, id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let kind: String = r.get(3)?;
        let decided_on: String = r.get(5)?;
        let flags: String = r.get(9)?;
        let outcome: Option<String> = r.get(10)?;
        out.push(PriorDecision {
            kind: RoundKind::parse(&kind).ok_or_else(|| corrupt(&id, "kind"))?,
            decided_on: date(&id, &decided_on)?,
            flags: json(&id, &flags)?,
            outcome: match outcome {
                Some(o) => Some(Outcome::parse(&o).ok_or_else(|| corrupt(&id, "outcome"))?),
                None => None,
            },
            programme: r.get(1)?,
            round: r.get(2)?,
            year: r.get(4)?,
            applicant: r.get(6)?,
            tier: r.get(7)?,
            prefecture: r.get(8)?,
            grade: r.get(11)?,
            score: r.get(12)?,
            rank: r.get(13)?,
            rationale: r.get(14)?,
            decided_by: r.get(15)?,
            id,
        });
    }
    Ok(out)
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

fn count(conn: &Connection, table: &str) -> Result<usize> {
    let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    Ok(n as usize)
}

/// An open revisit request's note, if there is one.
pub(crate) fn open_revisit(
    conn: &Connection,
    round: &str,
    member: &str,
    app: &str,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT note FROM revisits WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3 AND open = 1",
            params![round, member, app],
            |r| r.get(0),
        )
        .optional()?)
}

/// Per application: (discussed, note).
pub(crate) fn deliberations(
    conn: &Connection,
    round: &str,
) -> Result<BTreeMap<String, (bool, String)>> {
    let mut stmt = conn
        .prepare("SELECT application_id, discussed, note FROM deliberations WHERE round_id = ?1")?;
    let rows = stmt.query_map([round], |r| {
        Ok((
            r.get::<_, String>(0)?,
            (r.get::<_, bool>(1)?, r.get::<_, String>(2)?),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Open revisit requests: (member, application) → note.
pub(crate) fn open_revisits(
    conn: &Connection,
    round: &str,
) -> Result<BTreeMap<(String, String), String>> {
    let mut stmt = conn.prepare(
        "SELECT member_id, application_id, note FROM revisits WHERE round_id = ?1 AND open = 1",
    )?;
    let rows = stmt.query_map([round], |r| {
        Ok((
            (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
            r.get::<_, String>(2)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The comments a member was typing and has not committed (kept because
/// the session was killed, the review was submitted elsewhere or the round
/// moved on): criterion id ('' for the overall comment) → text.
pub(crate) fn edit_buffers(
    conn: &Connection,
    round: &str,
    member: &str,
    application: &str,
) -> Result<BTreeMap<String, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT criterion_id, text FROM edit_buffers
         WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
    )?;
    let rows = stmt.query_map([round, member, application], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The secretary's overrides in a round: application → (outcome, reason).
pub(crate) fn overrides(
    conn: &Connection,
    round: &str,
) -> Result<BTreeMap<String, (Outcome, String)>> {
    let mut stmt =
        conn.prepare("SELECT application_id, outcome, reason FROM overrides WHERE round_id = ?1")?;
    let rows = stmt.query_map([round], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (app, outcome, reason) = row?;
        let o = Outcome::parse(&outcome).ok_or_else(|| corrupt("override outcome", &outcome))?;
        out.insert(app, (o, reason));
    }
    Ok(out)
}

/// The decisions of a round (present once it is finalised).
pub(crate) fn decisions(conn: &Connection, round: &str) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare(
        "SELECT application_id, outcome, grade, rationale, decided_by, decided_at, score, due_on,
                facts
         FROM decisions WHERE round_id = ?1 ORDER BY application_id",
    )?;
    let mut rows = stmt.query([round])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let outcome: Option<String> = r.get(1)?;
        let at: String = r.get(5)?;
        out.push(Decision {
            round: round.to_string(),
            application: r.get(0)?,
            outcome: match outcome {
                Some(o) => Some(Outcome::parse(&o).ok_or_else(|| corrupt("decision outcome", &o))?),
                None => None,
            },
            grade: r.get(2)?,
            score: r.get(6)?,
            due_on: match r.get::<_, Option<String>>(7)? {
                Some(d) => Some(date("decision due date", &d)?),
                None => None,
            },
            rationale: r.get(3)?,
            decided_by: r.get(4)?,
            decided_on: date("decision date", &at)?,
            facts: match r.get::<_, Option<String>>(8)? {
                Some(f) => {
                    Some(serde_json::from_str(&f).map_err(|_| corrupt("decision facts", &f))?)
                }
                None => None,
            },
        });
    }
    Ok(out)
}

pub(crate) fn actuals(conn: &Connection, application: &str) -> Result<BTreeMap<i32, f64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT year, amount FROM investment_actuals WHERE application_id = ?1 ORDER BY year",
    )?;
    let rows = stmt.query_map([application], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// A member's passphrase hash, and whether it is an initial one the
    /// secretary issued (to be replaced at first sign-in).
    pub fn passphrase(&self, member: &str) -> Result<Option<(String, bool)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT phc, coalesce(initial, 0) FROM member_secrets WHERE member_id = ?1",
                [member],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? == 1)),
            )
            .optional()?)
    }

    /// A member's passphrase hash, if they have set one.
    pub fn passphrase_hash(&self, member: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT phc FROM member_secrets WHERE member_id = ?1",
                [member],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Members who have set a passphrase. Once anyone has, the panel is
    /// "locked": every command that reads reviews needs `--as` and a passphrase.
    pub fn locked_members(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT member_id FROM member_secrets ORDER BY member_id")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    pub fn decisions(&self, round: &str) -> Result<Vec<Decision>> {
        decisions(&self.conn, round)
    }

    /// Actual investment per year of an application (year → amount).
    pub fn actuals(&self, application: &str) -> Result<BTreeMap<i32, f64>> {
        actuals(&self.conn, application)
    }

    pub fn deliberations(&self, round: &str) -> Result<BTreeMap<String, (bool, String)>> {
        deliberations(&self.conn, round)
    }

    pub fn open_revisits(&self, round: &str) -> Result<BTreeMap<(String, String), String>> {
        open_revisits(&self.conn, round)
    }

    /// A member's kept (uncommitted) comments on one application.
    pub fn edit_buffers(
        &self,
        round: &str,
        member: &str,
        application: &str,
    ) -> Result<BTreeMap<String, String>> {
        edit_buffers(&self.conn, round, member, application)
    }

    pub fn overrides(&self, round: &str) -> Result<BTreeMap<String, (Outcome, String)>> {
        overrides(&self.conn, round)
    }

    pub fn call(&self, id: &str) -> Result<Option<Call>> {
        call(&self.conn, id)
    }
    pub fn calls(&self) -> Result<Vec<Call>> {
        calls(&self.conn)
    }
    pub fn round(&self, id: &str) -> Result<Option<Round>> {
        round(&self.conn, id)
    }
    pub fn rounds(&self) -> Result<Vec<Round>> {
        rounds(&self.conn)
    }
    pub fn application(&self, id: &str) -> Result<Option<Application>> {
        application(&self.conn, id)
    }
    pub fn applications(&self, call_id: &str) -> Result<Vec<Application>> {
        applications(&self.conn, call_id)
    }
    pub fn member(&self, id: &str) -> Result<Option<Member>> {
        member(&self.conn, id)
    }
    pub fn members(&self) -> Result<Vec<Member>> {
        members(&self.conn)
    }
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        conflicts(&self.conn)
    }
    pub fn assignments(&self, round: &str) -> Result<Vec<Assignment>> {
        assignments(&self.conn, round)
    }
    pub fn reviews(&self, round: &str) -> Result<Vec<Review>> {
        reviews(&self.conn, round)
    }
    pub fn prior_decisions(&self) -> Result<Vec<PriorDecision>> {
        prior_decisions(&self.conn)
    }

    /// Whether `member` must sit out `app`: a declared conflict, or the
    /// application comes from the member's home prefecture.
    pub fn recusal(&self, member: &Member, app: &Application) -> Result<Option<panel::Recusal>> {
        let declared = conflict(&self.conn, &member.id, &app.id)?;
        Ok(panel::recusal(member, &app.prefecture, declared.as_ref()))
    }

    pub fn counts(&self) -> Result<StoreCounts> {
        let c = &self.conn;
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
            audit_entries: count(c, "audit_log")?,
        })
    }

    /// Checks integrity, the audit chain, and that the tables match the log.
    pub fn verify(&self) -> Result<super::VerifyReport> {
        super::audit::verify(&self.conn)
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
        let reviews: BTreeMap<(String, String), ReviewStatus> = self
            .reviews(&round.id)?
            .into_iter()
            .map(|r| ((r.member, r.application), r.status))
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
