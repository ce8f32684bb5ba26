//! Writes, inside one transaction opened by [`Store::write`](super::Store::write).
//! Each method checks the rules a write must keep (references exist, values
//! in range, no scores from a recused member) and refuses with a reason;
//! audited tables append to the chain as they change.

use super::audit::{self, Entity};
use super::{Result, StoreError, read};
use crate::domain::*;
use rusqlite::{Connection, params};
use serde::Serialize;
use std::collections::BTreeMap;

/// What one write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Updated,
    Unchanged,
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
    conn: &'a Connection,
    actor: String,
    at: String,
    log: ChangeLog,
}

fn refuse<T>(msg: impl Into<String>) -> Result<T> {
    Err(StoreError::Refused(msg.into()))
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain values serialize")
}

impl<'a> Writer<'a> {
    pub(crate) fn new(conn: &'a Connection, actor: &str) -> Writer<'a> {
        Writer {
            conn,
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
        apply: impl FnOnce(&Connection) -> rusqlite::Result<usize>,
    ) -> Result<Change> {
        let change = self.logged(e, key, apply)?;
        self.log.note(e.name, change);
        Ok(change)
    }

    /// Runs `apply` on an audited row and logs the change, if any, without
    /// counting it (for writes whose caller counts a larger record).
    fn logged(
        &mut self,
        e: &Entity,
        key: &[&str],
        apply: impl FnOnce(&Connection) -> rusqlite::Result<usize>,
    ) -> Result<Change> {
        let old = audit::row_json(self.conn, e, key)?;
        apply(self.conn)?;
        let new = audit::row_json(self.conn, e, key)?;
        let change = match (&old, &new) {
            (a, b) if a == b => Change::Unchanged,
            (None, _) => Change::Inserted,
            _ => Change::Updated,
        };
        if change != Change::Unchanged {
            audit::append(
                self.conn,
                &self.at,
                &self.actor,
                e.name,
                &audit::key_json(key),
                old.as_deref(),
                new.as_deref(),
            )?;
        }
        Ok(change)
    }

    // ------------------------------------------------------------ reads

    pub fn call(&self, id: &str) -> Result<Option<Call>> {
        read::call(self.conn, id)
    }
    pub fn calls(&self) -> Result<Vec<Call>> {
        read::calls(self.conn)
    }
    pub fn round(&self, id: &str) -> Result<Option<Round>> {
        read::round(self.conn, id)
    }
    pub fn application(&self, id: &str) -> Result<Option<Application>> {
        read::application(self.conn, id)
    }
    pub fn member(&self, id: &str) -> Result<Option<Member>> {
        read::member(self.conn, id)
    }

    // ------------------------------------------------------------ calls

    /// Adds or replaces a call and adds its rounds. A round that exists keeps
    /// its state (state moves only forward, through jury, not by import).
    pub fn put_call(&mut self, call: &Call, rounds: &[Round]) -> Result<Change> {
        let problems = call.check();
        if let Some(p) = problems.first() {
            return refuse(p.clone());
        }
        let text = to_json(call);
        let old = read::call(self.conn, &call.info.id)?;
        let change = match &old {
            Some(o) if o == call => Change::Unchanged,
            Some(_) => {
                self.conn.execute(
                    "UPDATE calls SET definition = ?2 WHERE id = ?1",
                    params![call.info.id, text],
                )?;
                self.check_call_still_fits(call)?;
                Change::Updated
            }
            None => {
                self.conn.execute(
                    "INSERT INTO calls (id, definition) VALUES (?1, ?2)",
                    params![call.info.id, text],
                )?;
                Change::Inserted
            }
        };
        self.log.note("call", change);
        for round in rounds {
            self.put_round(call, round)?;
        }
        Ok(change)
    }

    /// After a call changes, every stored application and score must still
    /// fit it: a rubric cannot lose a criterion somebody has scored.
    fn check_call_still_fits(&self, call: &Call) -> Result<()> {
        for app in read::applications(self.conn, &call.info.id)? {
            if call.tier(&app.tier).is_none() {
                return refuse(format!(
                    "the new call drops tier {:?}, which application {} uses",
                    app.tier, app.id
                ));
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.rubric, a.tier, s.criterion_id, s.value, s.application_id
             FROM scores s JOIN rounds r ON r.id = s.round_id
             JOIN applications a ON a.id = s.application_id
             WHERE r.call_id = ?1",
        )?;
        let mut rows = stmt.query([&call.info.id])?;
        while let Some(r) = rows.next()? {
            let (round, rubric, tier, crit, value, app): (
                String,
                String,
                String,
                String,
                Option<f64>,
                String,
            ) = (
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            );
            let Some(c) = call
                .rubric(&rubric)
                .and_then(|ru| ru.criterion(&tier, &crit))
            else {
                return refuse(format!(
                    "the new call drops criterion {crit:?} of rubric {rubric:?}, already scored in round {round} for {app}"
                ));
            };
            if let Some(v) = value
                && v > c.max
            {
                return refuse(format!(
                    "the new call lowers criterion {crit:?} to {} points, below a score of {v} already given for {app}",
                    c.max
                ));
            }
        }
        Ok(())
    }

    fn put_round(&mut self, call: &Call, round: &Round) -> Result<Change> {
        if call.rubric(&round.rubric).is_none() {
            return refuse(format!(
                "round {}: rubric {:?} is not defined in call {}",
                round.id, round.rubric, call.info.id
            ));
        }
        if let Some(existing) = read::round(self.conn, &round.id)? {
            if existing.call != call.info.id {
                return refuse(format!(
                    "round {} already belongs to call {}",
                    round.id, existing.call
                ));
            }
            let scored: i64 = self.conn.query_row(
                "SELECT count(*) FROM scores WHERE round_id = ?1",
                [&round.id],
                |r| r.get(0),
            )?;
            if scored > 0 && (existing.rubric != round.rubric || existing.kind != round.kind) {
                return refuse(format!(
                    "round {} has scores: its rubric and kind cannot change (from {} to {})",
                    round.id, existing.rubric, round.rubric
                ));
            }
        }
        let deadline = round.deadline.to_string();
        self.audited(&audit::ROUND, &[&round.id], |c| {
            c.execute(
                "INSERT INTO rounds (id, call_id, kind, name, name_en, rubric, deadline, state, year)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(id) DO UPDATE SET kind = ?3, name = ?4, name_en = ?5,
                     rubric = ?6, deadline = ?7, year = ?9",
                params![
                    round.id,
                    call.info.id,
                    round.kind.as_str(),
                    round.name,
                    round.name_en,
                    round.rubric,
                    deadline,
                    round.state.as_str(),
                    round.year
                ],
            )
        })
    }

    /// Moves a round's state (logged).
    pub fn set_round_state(&mut self, round: &str, state: RoundState) -> Result<Change> {
        if read::round(self.conn, round)?.is_none() {
            return refuse(format!("no round {round:?}"));
        }
        self.audited(&audit::ROUND, &[round], |c| {
            c.execute(
                "UPDATE rounds SET state = ?2 WHERE id = ?1",
                params![round, state.as_str()],
            )
        })
    }

    // ------------------------------------------------------------ applications

    /// Resolves the application's prefecture (id or name) and region against
    /// its call, checks every reference, and adds or replaces it.
    pub fn put_application(&mut self, app: &Application) -> Result<Change> {
        let Some(call) = read::call(self.conn, &app.call)? else {
            return refuse(format!(
                "call: no call {:?} (import the call first)",
                app.call
            ));
        };
        let mut app = app.clone();
        let Some(tier) = call.tier(&app.tier) else {
            let ids: Vec<&str> = call.tiers.iter().map(|t| t.id.as_str()).collect();
            return refuse(format!(
                "tier: expected one of {}, found {:?}",
                ids.join(", "),
                app.tier
            ));
        };
        let Some(pref) = call.prefecture(&app.prefecture) else {
            return refuse(format!(
                "prefecture: expected one of the call's 14 prefectures (id or name), found {:?}",
                app.prefecture
            ));
        };
        app.prefecture = pref.id.clone();
        if app.region.is_empty() {
            app.region = pref.region.clone();
        } else if call.region(&app.region).is_none() {
            return refuse(format!(
                "region: no region {:?} in call {}",
                app.region, call.info.id
            ));
        }
        for flag in &app.flags {
            if call.flag(flag).is_none() {
                return refuse(format!("flags: unknown flag {flag:?}"));
            }
        }
        for id in app.sections.keys() {
            if call.section(id).is_none() {
                let ids: Vec<&str> = call.sections.iter().map(|s| s.id.as_str()).collect();
                return refuse(format!("sections.{id}: expected one of {}", ids.join(", ")));
            }
        }
        for id in app.indicators.keys() {
            if !tier.indicators.iter().any(|d| &d.id == id) {
                return refuse(format!(
                    "indicators.{id}: not an indicator of tier {}",
                    tier.id
                ));
            }
        }
        if let Some(p) = app.check().first() {
            return refuse(p.clone());
        }
        let old = read::application(self.conn, &app.id)?;
        if let Some(old) = &old {
            if old.call != app.call {
                return refuse(format!(
                    "id: application {} already belongs to call {}",
                    app.id, old.call
                ));
            }
            if old.tier != app.tier && self.has_scores(&app.id)? {
                return refuse(format!(
                    "tier: application {} has scores; its tier cannot change from {} to {}",
                    app.id, old.tier, app.tier
                ));
            }
        }
        let change = match &old {
            Some(o) if *o == app => Change::Unchanged,
            Some(_) => Change::Updated,
            None => Change::Inserted,
        };
        if change != Change::Unchanged {
            let id = app.id.clone();
            self.logged(&audit::APPLICATION, &[&id], |conn| {
                conn.execute(
                    "INSERT INTO applications (id, call_id, name, name_en, tier, prefecture, region, flags,
                        submitted_on, route, government_approval, contact, leading_group_head,
                        leading_group_principal, sections, indicators)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                     ON CONFLICT(id) DO UPDATE SET name = ?3, name_en = ?4, tier = ?5, prefecture = ?6,
                        region = ?7, flags = ?8, submitted_on = ?9, route = ?10, government_approval = ?11,
                        contact = ?12, leading_group_head = ?13, leading_group_principal = ?14,
                        sections = ?15, indicators = ?16",
                    params![
                        app.id,
                        app.call,
                        app.name,
                        app.name_en,
                        app.tier,
                        app.prefecture,
                        app.region,
                        to_json(&app.flags),
                        app.submitted_on.to_string(),
                        app.route.as_str(),
                        app.government_approval,
                        app.contact,
                        app.leading_group.head,
                        app.leading_group.principal,
                        to_json(&app.sections),
                        to_json(&app.indicators),
                    ],
                )
            })?;
            self.write_projects(&app.id, &app.projects)?;
        }
        self.log.note("application", change);
        Ok(change)
    }

    fn write_projects(&self, app: &str, projects: &[Project]) -> Result<()> {
        self.conn
            .execute("DELETE FROM projects WHERE application_id = ?1", [app])?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO projects (application_id, seq, name, category, status, total, plan)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, p) in projects.iter().enumerate() {
            stmt.execute(params![
                app,
                i as i64,
                p.name,
                p.category,
                p.status,
                p.total,
                to_json(&p.plan)
            ])?;
        }
        Ok(())
    }

    /// Replaces an application's investment plan (from a tabular file).
    pub fn put_projects(&mut self, app_id: &str, projects: &[Project]) -> Result<Change> {
        let Some(mut app) = read::application(self.conn, app_id)? else {
            return refuse(format!("application: no application {app_id:?}"));
        };
        if app.projects == projects {
            self.log.note("investment_plan", Change::Unchanged);
            return Ok(Change::Unchanged);
        }
        app.projects = projects.to_vec();
        if let Some(p) = app.check().first() {
            return refuse(p.clone());
        }
        self.write_projects(app_id, projects)?;
        self.log.note("investment_plan", Change::Updated);
        Ok(Change::Updated)
    }

    fn has_scores(&self, app: &str) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM scores WHERE application_id = ?1",
            [app],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    // ------------------------------------------------------------ panel

    pub fn put_member(&mut self, member: &Member) -> Result<Change> {
        let mut member = member.clone();
        if member.roles.is_empty() {
            return refuse("roles: expected at least one of reviewer, secretary");
        }
        member.roles.sort();
        member.roles.dedup();
        if let Some(home) = &member.home_prefecture {
            let calls = read::calls(self.conn)?;
            let Some(p) = calls.iter().find_map(|c| c.prefecture(home)) else {
                return refuse(format!(
                    "home_prefecture: expected a prefecture of an imported call, found {home:?}"
                ));
            };
            member.home_prefecture = Some(p.id.clone());
        }
        let old = read::member(self.conn, &member.id)?;
        let change = match &old {
            Some(o) if *o == member => Change::Unchanged,
            Some(_) => Change::Updated,
            None => Change::Inserted,
        };
        if change != Change::Unchanged {
            let id = member.id.clone();
            self.logged(&audit::MEMBER, &[&id], |conn| {
                conn.execute(
                    "INSERT INTO members (id, name, name_en, department, home_prefecture, roles)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(id) DO UPDATE SET name = ?2, name_en = ?3, department = ?4,
                        home_prefecture = ?5, roles = ?6",
                    params![
                        member.id,
                        member.name,
                        member.name_en,
                        member.department,
                        member.home_prefecture,
                        to_json(&member.roles)
                    ],
                )
            })?;
        }
        self.log.note("member", change);
        Ok(change)
    }

    pub fn put_conflict(&mut self, c: &Conflict) -> Result<Change> {
        if read::member(self.conn, &c.member)?.is_none() {
            return refuse(format!("member: no member {:?}", c.member));
        }
        if read::application(self.conn, &c.application)?.is_none() {
            return refuse(format!("application: no application {:?}", c.application));
        }
        self.audited(&audit::CONFLICT, &[&c.member, &c.application], |conn| {
            conn.execute(
                "INSERT INTO conflicts (member_id, application_id, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT(member_id, application_id) DO UPDATE SET reason = ?3",
                params![c.member, c.application, c.reason],
            )
        })
    }

    pub fn put_assignment(&mut self, a: &Assignment) -> Result<Change> {
        let Some(round) = read::round(self.conn, &a.round)? else {
            return refuse(format!("round: no round {:?}", a.round));
        };
        let Some(member) = read::member(self.conn, &a.member)? else {
            return refuse(format!("member: no member {:?}", a.member));
        };
        if !member.has_role(Role::Reviewer) {
            return refuse(format!("member: {} is not a reviewer", a.member));
        }
        let Some(app) = read::application(self.conn, &a.application)? else {
            return refuse(format!("application: no application {:?}", a.application));
        };
        if app.call != round.call {
            return refuse(format!(
                "application: {} belongs to call {}, round {} to call {}",
                app.id, app.call, round.id, round.call
            ));
        }
        self.audited(
            &audit::ASSIGNMENT,
            &[&a.round, &a.member, &a.application],
            |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO assignments (round_id, member_id, application_id)
                 VALUES (?1, ?2, ?3)",
                    params![a.round, a.member, a.application],
                )
            },
        )
    }

    // ------------------------------------------------------------ scores

    /// Writes a review: its status, overall comment and the given scores.
    /// Refused when the round no longer takes scores, the member is not
    /// assigned or is recused, a criterion is not in the rubric for the
    /// application's tier, a value is out of range, or a submitted review
    /// leaves a criterion blank.
    pub fn put_review(&mut self, sheet: &ReviewSheet) -> Result<()> {
        let target = self.scoring_target(&sheet.round, &sheet.member, &sheet.application)?;
        let (member, app, rubric) = (&target.member, &target.application, &target.rubric);
        for s in &sheet.scores {
            let Some(c) = rubric.criterion(&app.tier, &s.criterion) else {
                let ids: Vec<&str> = rubric
                    .criteria_for(&app.tier)
                    .map(|c| c.id.as_str())
                    .collect();
                return refuse(format!(
                    "criterion: expected one of {} for tier {}, found {:?}",
                    ids.join(", "),
                    app.tier,
                    s.criterion
                ));
            };
            if let Some(v) = s.value {
                review::check_value(c.max, v)
                    .map_err(|e| StoreError::Refused(format!("{} ({}): {e}", c.id, c.name)))?;
            }
        }
        let key = [sheet.round.as_str(), &sheet.member, &sheet.application];
        let existing = self.review_status(&key)?;
        let stored = self.stored_scores(&key)?;
        if existing == Some(ReviewStatus::Submitted) {
            // A submitted review changes only after an explicit reopen.
            let overall = self.overall_comment(&key)?;
            let changes = sheet.status == Some(ReviewStatus::Draft)
                || sheet
                    .overall_comment
                    .as_ref()
                    .is_some_and(|o| *o != overall)
                || sheet
                    .scores
                    .iter()
                    .any(|s| stored.get(&s.criterion) != Some(&(s.value, s.comment.clone())));
            if changes {
                return refuse(format!(
                    "the review of {} by {} is submitted: reopen it in jury before changing it",
                    app.id, member.id
                ));
            }
            return Ok(());
        }
        // A blank sheet row for a review never started says nothing: an
        // exported sheet that comes back untouched changes nothing.
        let says_nothing = sheet.status != Some(ReviewStatus::Submitted)
            && sheet.overall_comment.as_deref().unwrap_or("").is_empty()
            && sheet
                .scores
                .iter()
                .all(|s| s.value.is_none() && s.comment.is_empty());
        if existing.is_none() && says_nothing {
            return Ok(());
        }
        let status = sheet.status.or(existing).unwrap_or(ReviewStatus::Draft);
        if status == ReviewStatus::Submitted {
            // What the review will hold: stored values overlaid with these.
            let mut values: BTreeMap<String, Option<f64>> =
                stored.iter().map(|(k, (v, _))| (k.clone(), *v)).collect();
            for s in &sheet.scores {
                values.insert(s.criterion.clone(), s.value);
            }
            let blank: Vec<&str> = rubric
                .criteria_for(&app.tier)
                .filter(|c| values.get(&c.id).copied().flatten().is_none())
                .map(|c| c.id.as_str())
                .collect();
            if !blank.is_empty() {
                return refuse(format!(
                    "review of {} by {} cannot be submitted: blank criteria {}",
                    app.id,
                    member.id,
                    blank.join(", ")
                ));
            }
        }
        // The review row comes first: scores hang off it.
        let overall = sheet.overall_comment.clone();
        self.audited(&audit::REVIEW, &key, |conn| {
            conn.execute(
                "INSERT INTO reviews (round_id, member_id, application_id, status, overall_comment)
                 VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''))
                 ON CONFLICT(round_id, member_id, application_id)
                 DO UPDATE SET status = ?4, overall_comment = coalesce(?5, overall_comment)",
                params![key[0], key[1], key[2], status.as_str(), overall],
            )
        })?;
        for s in &sheet.scores {
            self.audited(&audit::SCORE, &[key[0], key[1], key[2], &s.criterion], |conn| {
                conn.execute(
                    "INSERT INTO scores (round_id, member_id, application_id, criterion_id, value, comment)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(round_id, member_id, application_id, criterion_id)
                     DO UPDATE SET value = ?5, comment = ?6",
                    params![key[0], key[1], key[2], s.criterion, s.value, s.comment],
                )
            })?;
        }
        if status == ReviewStatus::Submitted {
            self.close_revisit(&key)?;
        }
        Ok(())
    }

    // ------------------------------------------------------------ decisions

    pub fn put_prior_decision(&mut self, d: &PriorDecision) -> Result<Change> {
        let calls = read::calls(self.conn)?;
        let Some(pref) = calls.iter().find_map(|c| c.prefecture(&d.prefecture)) else {
            return refuse(format!(
                "prefecture: expected a prefecture of an imported call, found {:?}",
                d.prefecture
            ));
        };
        if d.kind == RoundKind::Selection && d.outcome.is_none() {
            return refuse("outcome: a selection decision needs selected, reserve or not_selected");
        }
        if d.kind == RoundKind::Assessment && d.grade.as_deref().is_none_or(str::is_empty) {
            return refuse("grade: an assessment decision needs a grade");
        }
        let pref = pref.id.clone();
        self.audited(&audit::PRIOR_DECISION, &[&d.id], |conn| {
            conn.execute(
                "INSERT INTO prior_decisions (id, programme, round, kind, year, decided_on, applicant,
                    tier, prefecture, flags, outcome, grade, score, rank, rationale, decided_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT(id) DO UPDATE SET programme = ?2, round = ?3, kind = ?4, year = ?5,
                    decided_on = ?6, applicant = ?7, tier = ?8, prefecture = ?9, flags = ?10,
                    outcome = ?11, grade = ?12, score = ?13, rank = ?14, rationale = ?15,
                    decided_by = ?16",
                params![
                    d.id,
                    d.programme,
                    d.round,
                    d.kind.as_str(),
                    d.year,
                    d.decided_on.to_string(),
                    d.applicant,
                    d.tier,
                    pref,
                    to_json(&d.flags),
                    d.outcome.map(|o| o.as_str()),
                    d.grade,
                    d.score,
                    d.rank,
                    d.rationale,
                    d.decided_by
                ],
            )
        })
    }
}

/// What recovering a member's edit buffers did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovery {
    pub committed: usize,
    /// Applications whose buffered comment must wait for a reopen.
    pub pending: Vec<String>,
}

/// What a scoring write is about: checked once, shared by the fine-grained
/// writes the review screen makes.
pub struct ScoringTarget {
    pub round: Round,
    pub member: Member,
    pub application: Application,
    pub rubric: Rubric,
}

impl Writer<'_> {
    /// Checks that `member` may score `app` in `round` now: the round takes
    /// scores, the member is assigned and not recused.
    pub fn scoring_target(&self, round: &str, member: &str, app: &str) -> Result<ScoringTarget> {
        let Some(round) = read::round(self.conn, round)? else {
            return refuse(format!("round: no round {round:?}"));
        };
        let revisiting = round.state == RoundState::Deliberation
            && read::open_revisit(self.conn, &round.id, member, app)?.is_some();
        if !round.state.accepts_scores() && !revisiting {
            return refuse(format!(
                "round {} is in {} and no longer takes scores",
                round.id,
                round.state.as_str()
            ));
        }
        let Some(member) = read::member(self.conn, member)? else {
            return refuse(format!("member: no member {member:?}"));
        };
        let Some(application) = read::application(self.conn, app)? else {
            return refuse(format!("application: no application {app:?}"));
        };
        if !read::is_assigned(self.conn, &round.id, &member.id, &application.id)? {
            return refuse(format!(
                "member {} is not assigned to {} in round {}",
                member.id, application.id, round.id
            ));
        }
        let declared = read::conflict(self.conn, &member.id, &application.id)?;
        if let Some(r) = panel::recusal(&member, &application.prefecture, declared.as_ref()) {
            let why = match r {
                panel::Recusal::Declared(reason) => format!("declared conflict ({reason})"),
                panel::Recusal::HomePrefecture(p) => format!("home prefecture {p}"),
            };
            return refuse(format!(
                "member {} is recused from {} ({why}) and cannot score it",
                member.id, application.id
            ));
        }
        let call = read::call(self.conn, &round.call)?
            .ok_or_else(|| StoreError::Corrupt(format!("round {} has no call", round.id)))?;
        let rubric = call.rubric(&round.rubric).cloned().ok_or_else(|| {
            StoreError::Corrupt(format!("round {} has no rubric {}", round.id, round.rubric))
        })?;
        Ok(ScoringTarget {
            round,
            member,
            application,
            rubric,
        })
    }

    /// Value and comment per criterion, as stored.
    fn stored_scores(&self, key: &[&str; 3]) -> Result<BTreeMap<String, (Option<f64>, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT criterion_id, value, comment FROM scores
             WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
        )?;
        let rows = stmt
            .query_map(params![key[0], key[1], key[2]], |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn overall_comment(&self, key: &[&str; 3]) -> Result<String> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT overall_comment FROM reviews WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                params![key[0], key[1], key[2]],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default())
    }

    /// The values a review holds now, by criterion id.
    fn stored_values(&self, key: &[&str; 3]) -> Result<BTreeMap<String, Option<f64>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT criterion_id, value FROM scores
             WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
        )?;
        let values = stmt
            .query_map(params![key[0], key[1], key[2]], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(values)
    }

    fn review_status(&self, key: &[&str; 3]) -> Result<Option<ReviewStatus>> {
        use rusqlite::OptionalExtension;
        let status: Option<String> = self
            .conn
            .query_row(
                "SELECT status FROM reviews WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                params![key[0], key[1], key[2]],
                |r| r.get(0),
            )
            .optional()?;
        Ok(status.as_deref().and_then(ReviewStatus::parse))
    }

    /// Makes sure the review row exists (as a draft) and is not submitted.
    fn open_draft(&mut self, t: &ScoringTarget) -> Result<[String; 3]> {
        let key = [
            t.round.id.clone(),
            t.member.id.clone(),
            t.application.id.clone(),
        ];
        let k = [key[0].as_str(), key[1].as_str(), key[2].as_str()];
        match self.review_status(&k)? {
            Some(ReviewStatus::Submitted) => {
                return refuse("this review is submitted: reopen it to change it");
            }
            Some(ReviewStatus::Draft) => {}
            None => {
                self.audited(&audit::REVIEW, &k, |conn| {
                    conn.execute(
                        "INSERT INTO reviews (round_id, member_id, application_id, status)
                         VALUES (?1, ?2, ?3, 'draft')",
                        params![k[0], k[1], k[2]],
                    )
                })?;
            }
        }
        Ok(key)
    }

    /// Sets one criterion's value (None: blank) in a draft review.
    pub fn set_score_value(
        &mut self,
        round: &str,
        member: &str,
        app: &str,
        criterion: &str,
        value: Option<f64>,
    ) -> Result<Change> {
        let t = self.scoring_target(round, member, app)?;
        let Some(c) = t.rubric.criterion(&t.application.tier, criterion) else {
            return refuse(format!(
                "criterion: no criterion {criterion:?} for this tier"
            ));
        };
        if let Some(v) = value {
            review::check_value(c.max, v)
                .map_err(|e| StoreError::Refused(format!("{} ({}): {e}", c.id, c.name)))?;
        }
        let key = self.open_draft(&t)?;
        self.audited(&audit::SCORE, &[&key[0], &key[1], &key[2], criterion], |conn| {
            conn.execute(
                "INSERT INTO scores (round_id, member_id, application_id, criterion_id, value)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(round_id, member_id, application_id, criterion_id) DO UPDATE SET value = ?5",
                params![key[0], key[1], key[2], criterion, value],
            )
        })
    }

    /// Sets a criterion's comment, or the overall comment when `criterion`
    /// is empty, and clears the matching edit buffer.
    pub fn set_comment(
        &mut self,
        round: &str,
        member: &str,
        app: &str,
        criterion: &str,
        text: &str,
    ) -> Result<Change> {
        let t = self.scoring_target(round, member, app)?;
        if !criterion.is_empty() && t.rubric.criterion(&t.application.tier, criterion).is_none() {
            return refuse(format!(
                "criterion: no criterion {criterion:?} for this tier"
            ));
        }
        let key = self.open_draft(&t)?;
        let change = if criterion.is_empty() {
            self.audited(&audit::REVIEW, &[&key[0], &key[1], &key[2]], |conn| {
                conn.execute(
                    "UPDATE reviews SET overall_comment = ?4
                     WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                    params![key[0], key[1], key[2], text],
                )
            })?
        } else {
            self.audited(&audit::SCORE, &[&key[0], &key[1], &key[2], criterion], |conn| {
                conn.execute(
                    "INSERT INTO scores (round_id, member_id, application_id, criterion_id, comment)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(round_id, member_id, application_id, criterion_id) DO UPDATE SET comment = ?5",
                    params![key[0], key[1], key[2], criterion, text],
                )
            })?
        };
        self.conn.execute(
            "DELETE FROM edit_buffers WHERE round_id = ?1 AND member_id = ?2
             AND application_id = ?3 AND criterion_id = ?4",
            params![key[0], key[1], key[2], criterion],
        )?;
        self.log.note("edit_buffer", Change::Updated);
        Ok(change)
    }

    /// Submits a review: refused while any criterion is blank.
    pub fn submit_review(&mut self, round: &str, member: &str, app: &str) -> Result<Change> {
        let t = self.scoring_target(round, member, app)?;
        let key = [round, member, app];
        let values = self.stored_values(&key)?;
        let blank: Vec<&str> = t
            .rubric
            .criteria_for(&t.application.tier)
            .filter(|c| values.get(&c.id).copied().flatten().is_none())
            .map(|c| c.name.as_str())
            .collect();
        if !blank.is_empty() {
            return refuse(format!("blank: {}", blank.join("、")));
        }
        let change = self.audited(&audit::REVIEW, &key, |conn| {
            conn.execute(
                "UPDATE reviews SET status = 'submitted'
                 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                params![key[0], key[1], key[2]],
            )
        })?;
        self.close_revisit(&key)?;
        Ok(change)
    }

    /// A submission answers an open revisit request.
    fn close_revisit(&mut self, key: &[&str; 3]) -> Result<()> {
        if read::open_revisit(self.conn, key[0], key[1], key[2])?.is_some() {
            self.audited(&audit::REVISIT, key, |conn| {
                conn.execute(
                    "UPDATE revisits SET open = 0 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                    params![key[0], key[1], key[2]],
                )
            })?;
        }
        Ok(())
    }

    /// Reopens a submitted review (logged); only while the round takes scores.
    pub fn reopen_review(&mut self, round: &str, member: &str, app: &str) -> Result<Change> {
        self.scoring_target(round, member, app)?;
        let key = [round, member, app];
        if self.review_status(&key)? != Some(ReviewStatus::Submitted) {
            return refuse("only a submitted review can be reopened");
        }
        self.audited(&audit::REVIEW, &key, |conn| {
            conn.execute(
                "UPDATE reviews SET status = 'draft'
                 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                params![key[0], key[1], key[2]],
            )
        })
    }

    /// Saves the text of a comment being typed (every keystroke; not audited).
    pub fn save_edit_buffer(
        &mut self,
        round: &str,
        member: &str,
        app: &str,
        criterion: &str,
        text: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO edit_buffers (round_id, member_id, application_id, criterion_id, text, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(round_id, member_id, application_id, criterion_id)
             DO UPDATE SET text = ?5, updated_at = ?6",
            params![round, member, app, criterion, text, self.at],
        )?;
        self.log.note("edit_buffer", Change::Updated);
        Ok(())
    }

    /// Commits every edit buffer a member left behind (a killed process) into
    /// the comments it belongs to. A buffer that cannot be committed now (the
    /// review was submitted, the round closed) is kept, never dropped: it is
    /// counted in `pending` and committed once the review is reopened.
    pub fn recover_edit_buffers(&mut self, member: &str) -> Result<Recovery> {
        let pending: Vec<(String, String, String, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT round_id, application_id, criterion_id, text FROM edit_buffers
                 WHERE member_id = ?1 ORDER BY updated_at",
            )?;
            stmt.query_map([member], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let mut recovery = Recovery::default();
        for (round, app, criterion, text) in pending {
            match self.set_comment(&round, member, &app, &criterion, &text) {
                Ok(_) => recovery.committed += 1,
                Err(StoreError::Refused(_)) => recovery.pending.push(app),
                Err(e) => return Err(e),
            }
        }
        Ok(recovery)
    }
}

impl Writer<'_> {
    /// Sets (or, with `None`, removes) the secretary's override of one line
    /// of the proposed list. An override needs a written reason, and the
    /// round must not be finalised.
    pub fn set_override(
        &mut self,
        round: &str,
        app: &str,
        outcome: Option<(Outcome, &str)>,
    ) -> Result<Change> {
        let Some(r) = read::round(self.conn, round)? else {
            return refuse(format!("round: no round {round:?}"));
        };
        if r.state == RoundState::Finalised {
            return refuse(format!("round {round} is finalised: reopen it first"));
        }
        if read::application(self.conn, app)?.is_none() {
            return refuse(format!("application: no application {app:?}"));
        }
        match outcome {
            Some((_, reason)) if reason.trim().is_empty() => refuse("an override needs a written reason"),
            Some((o, reason)) => self.audited(&audit::OVERRIDE, &[round, app], |conn| {
                conn.execute(
                    "INSERT INTO overrides (round_id, application_id, outcome, reason) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(round_id, application_id) DO UPDATE SET outcome = ?3, reason = ?4",
                    params![round, app, o.as_str(), reason.trim()],
                )
            }),
            None => self.audited(&audit::OVERRIDE, &[round, app], |conn| {
                conn.execute(
                    "DELETE FROM overrides WHERE round_id = ?1 AND application_id = ?2",
                    params![round, app],
                )
            }),
        }
    }

    /// Records an export: what, where, and the SHA-256 of the bytes.
    pub fn record_export(
        &mut self,
        round: &str,
        format: &str,
        public: bool,
        path: &str,
        sha256: &str,
    ) -> Result<Change> {
        let id = format!("{}-{}", self.at, &sha256[..sha256.len().min(12)]);
        self.audited(&audit::EXPORT, &[&id], |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO exports (id, round_id, format, public, path, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, round, format, public, path, sha256],
            )
        })
    }
}

impl Writer<'_> {
    /// Moves a round one step forward: open → scoring → deliberation.
    /// Finalising goes through [`Writer::finalise`].
    pub fn advance_round(&mut self, round: &str) -> Result<RoundState> {
        let Some(r) = read::round(self.conn, round)? else {
            return refuse(format!("round: no round {round:?}"));
        };
        let next = match r.state {
            RoundState::Open => RoundState::Scoring,
            RoundState::Scoring => RoundState::Deliberation,
            RoundState::Deliberation => {
                return refuse("the round is in deliberation: finalise it to go on");
            }
            RoundState::Finalised => return refuse("the round is finalised"),
        };
        self.set_round_state(round, next)?;
        Ok(next)
    }

    /// Finalises a round: writes one decision per application (outcome,
    /// grade for assessments, rationale) and freezes the round, all in this
    /// transaction. Only from deliberation.
    pub fn finalise(
        &mut self,
        round: &str,
        decisions: &[(String, Outcome, Option<String>, String)],
    ) -> Result<()> {
        let Some(r) = read::round(self.conn, round)? else {
            return refuse(format!("round: no round {round:?}"));
        };
        if r.state != RoundState::Deliberation {
            return refuse(format!(
                "round {round} is in {}: only a round in deliberation can be finalised",
                r.state.as_str()
            ));
        }
        let by = self.actor.clone();
        let at = self.at.clone();
        for (app, outcome, grade, rationale) in decisions {
            self.audited(&audit::DECISION, &[round, app], |conn| {
                conn.execute(
                    "INSERT INTO decisions (round_id, application_id, outcome, grade, rationale, decided_by, decided_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT(round_id, application_id) DO UPDATE SET outcome = ?3, grade = ?4,
                        rationale = ?5, decided_by = ?6, decided_at = ?7",
                    params![round, app, outcome.as_str(), grade, rationale, by, at],
                )
            })?;
        }
        self.set_round_state(round, RoundState::Finalised)?;
        Ok(())
    }

    /// Reopens a finalised round for deliberation: its decisions are
    /// withdrawn (each withdrawal logged) and the state goes back.
    pub fn reopen_round(&mut self, round: &str) -> Result<usize> {
        let Some(r) = read::round(self.conn, round)? else {
            return refuse(format!("round: no round {round:?}"));
        };
        if r.state != RoundState::Finalised {
            return refuse(format!("round {round} is not finalised"));
        }
        let apps: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT application_id FROM decisions WHERE round_id = ?1")?;
            stmt.query_map([round], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for app in &apps {
            self.audited(&audit::DECISION, &[round, app], |conn| {
                conn.execute(
                    "DELETE FROM decisions WHERE round_id = ?1 AND application_id = ?2",
                    params![round, app],
                )
            })?;
        }
        self.set_round_state(round, RoundState::Deliberation)?;
        Ok(apps.len())
    }
}

impl Writer<'_> {
    fn deliberating(&self, round: &str) -> Result<Round> {
        let Some(r) = read::round(self.conn, round)? else {
            return refuse(format!("round: no round {round:?}"));
        };
        if r.state == RoundState::Finalised {
            return refuse(format!("round {round} is finalised: reopen it first"));
        }
        Ok(r)
    }

    /// Marks an application discussed (or not) in a round.
    pub fn set_discussed(&mut self, round: &str, app: &str, discussed: bool) -> Result<Change> {
        self.deliberating(round)?;
        if read::application(self.conn, app)?.is_none() {
            return refuse(format!("application: no application {app:?}"));
        }
        self.audited(&audit::DELIBERATION, &[round, app], |conn| {
            conn.execute(
                "INSERT INTO deliberations (round_id, application_id, discussed) VALUES (?1, ?2, ?3)
                 ON CONFLICT(round_id, application_id) DO UPDATE SET discussed = ?3",
                params![round, app, discussed],
            )
        })
    }

    /// The secretary's discussion note on an application.
    pub fn set_discussion_note(&mut self, round: &str, app: &str, note: &str) -> Result<Change> {
        self.deliberating(round)?;
        if read::application(self.conn, app)?.is_none() {
            return refuse(format!("application: no application {app:?}"));
        }
        self.audited(&audit::DELIBERATION, &[round, app], |conn| {
            conn.execute(
                "INSERT INTO deliberations (round_id, application_id, note) VALUES (?1, ?2, ?3)
                 ON CONFLICT(round_id, application_id) DO UPDATE SET note = ?3",
                params![round, app, note],
            )
        })
    }

    /// Asks a reviewer to revisit their review of an application: it shows
    /// in their queue, and they may change it during deliberation until
    /// they submit again. A submitted review goes back to draft (logged).
    pub fn request_revisit(
        &mut self,
        round: &str,
        member: &str,
        app: &str,
        note: &str,
    ) -> Result<Change> {
        let r = self.deliberating(round)?;
        if !matches!(r.state, RoundState::Scoring | RoundState::Deliberation) {
            return refuse("revisits are asked while scoring or in deliberation");
        }
        if !read::is_assigned(self.conn, round, member, app)? {
            return refuse(format!(
                "member {member} is not assigned to {app} in round {round}"
            ));
        }
        let m = read::member(self.conn, member)?
            .ok_or_else(|| StoreError::Refused(format!("no member {member:?}")))?;
        let a = read::application(self.conn, app)?
            .ok_or_else(|| StoreError::Refused(format!("no application {app:?}")))?;
        let declared = read::conflict(self.conn, member, app)?;
        if panel::recusal(&m, &a.prefecture, declared.as_ref()).is_some() {
            return refuse(format!("member {member} is recused from {app}"));
        }
        let change = self.audited(&audit::REVISIT, &[round, member, app], |conn| {
            conn.execute(
                "INSERT INTO revisits (round_id, member_id, application_id, note, open) VALUES (?1, ?2, ?3, ?4, 1)
                 ON CONFLICT(round_id, member_id, application_id) DO UPDATE SET note = ?4, open = 1",
                params![round, member, app, note],
            )
        })?;
        let key = [round, member, app];
        if self.review_status(&key)? == Some(ReviewStatus::Submitted) {
            self.audited(&audit::REVIEW, &key, |conn| {
                conn.execute(
                    "UPDATE reviews SET status = 'draft' WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                    params![key[0], key[1], key[2]],
                )
            })?;
        }
        Ok(change)
    }
}
