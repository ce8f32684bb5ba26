//! Writes of the call, applications, the panel and prior decisions.

use super::{Change, Writer, missing, refuse, to_json};
use crate::base::i18n::say;
use crate::domain::*;
use crate::store::audit;
use crate::store::sql::args;
use crate::store::{Result, read};

impl Writer<'_> {
    // ------------------------------------------------------------ calls

    /// Adds or replaces a call and adds its rounds. A round that exists keeps
    /// its state (state moves only forward, through jury, not by import).
    pub fn put_call(&mut self, call: &Call, rounds: &[Round]) -> Result<Change> {
        let problems = call.check();
        if let Some(p) = problems.first() {
            return refuse(p.clone());
        }
        let text = to_json(call);
        let old = read::call(self.db(), &call.info.id)?;
        let change = match &old {
            Some(o) if o == call => Change::Unchanged,
            Some(_) => {
                self.db().execute(
                    "UPDATE calls SET definition = ?2 WHERE id = ?1",
                    args![call.info.id, text],
                )?;
                self.check_call_still_fits(call)?;
                Change::Updated
            }
            None => {
                self.db().execute(
                    "INSERT INTO calls (id, definition) VALUES (?1, ?2)",
                    args![call.info.id, text],
                )?;
                Change::Inserted
            }
        };
        self.log.note("call", change);
        if change != Change::Unchanged {
            // The names the call gives are in the decisions' search text,
            // and its rules decide its applications' verdicts.
            crate::store::search_index::rebuild(self.db())?;
            crate::store::verdicts::refresh_call(self.db(), call)?;
        }
        for round in rounds {
            self.put_round(call, round)?;
        }
        Ok(change)
    }

    /// After a call changes, every stored application and score must still
    /// fit it: a rubric cannot lose a criterion somebody has scored.
    fn check_call_still_fits(&self, call: &Call) -> Result<()> {
        for app in read::applications(self.db(), &call.info.id)? {
            if call.tier(&app.tier).is_none() {
                let (tier, id) = (&app.tier, &app.id);
                return refuse(say(
                    format!("新的通知去掉了层级 {tier:?},而申报 {id} 使用该层级"),
                    format!("the new call drops tier {tier:?}, which application {id} uses"),
                ));
            }
        }
        let rows = self.db().query(
            "SELECT r.id, r.rubric, a.tier, s.criterion_id, s.value, s.application_id
             FROM scores s JOIN rounds r ON r.id = s.round_id
             JOIN applications a ON a.id = s.application_id
             WHERE r.call_id = ?1",
            args![call.info.id],
        )?;
        for r in rows {
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
                return refuse(say(
                    format!(
                        "新的通知去掉了评分细则 {rubric:?} 的评分项 {crit:?},而轮次 {round} 中 {app} 已按该项评分"
                    ),
                    format!(
                        "the new call drops criterion {crit:?} of rubric {rubric:?}, already scored in round {round} for {app}"
                    ),
                ));
            };
            if let Some(v) = value
                && v > c.max
            {
                let max = c.max;
                return refuse(say(
                    format!(
                        "新的通知把评分项 {crit:?} 的满分降为 {max} 分,低于 {app} 已得的 {v} 分"
                    ),
                    format!(
                        "the new call lowers criterion {crit:?} to {max} points, below a score of {v} already given for {app}"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Adds (or updates) one round of a call already stored, e.g. the next
    /// year's assessment.
    pub fn add_round(&mut self, round: &Round) -> Result<Change> {
        let Some(call) = read::call(self.db(), &round.call)? else {
            return refuse(missing(
                &format!("round {}", round.id),
                "通知",
                "call",
                &round.call,
            ));
        };
        self.put_round(&call, round)
    }

    /// Records a pilot's actual investment in a year (same unit as the plan).
    pub fn put_actual(&mut self, application: &str, year: i32, amount: f64) -> Result<Change> {
        if read::application(self.db(), application)?.is_none() {
            return refuse(missing("application", "申报", "application", application));
        }
        if !amount.is_finite() || amount < 0.0 {
            return refuse(say(
                format!("amount:应为不小于 0 的数,实际为 {amount}"),
                format!("amount: expected a number of 0 or more, found {amount}"),
            ));
        }
        let y = year.to_string();
        self.audited(&audit::ACTUAL, &[application, &y], |db| {
            db.execute(
                "INSERT INTO investment_actuals (application_id, year, amount) VALUES (?1, ?2, ?3)
                 ON CONFLICT(application_id, year) DO UPDATE SET amount = ?3",
                args![application, year, amount],
            )
        })
    }

    fn put_round(&mut self, call: &Call, round: &Round) -> Result<Change> {
        if call.rubric(&round.rubric).is_none() {
            let (id, rubric, call) = (&round.id, &round.rubric, &call.info.id);
            return refuse(say(
                format!("轮次 {id}:通知 {call} 中没有评分细则 {rubric:?}"),
                format!("round {id}: rubric {rubric:?} is not defined in call {call}"),
            ));
        }
        if let Some(existing) = read::round(self.db(), &round.id)? {
            if existing.call != call.info.id {
                let (id, call) = (&round.id, &existing.call);
                return refuse(say(
                    format!("轮次 {id} 已属于通知 {call}"),
                    format!("round {id} already belongs to call {call}"),
                ));
            }
            let scored: i64 = self
                .db()
                .value(
                    "SELECT count(*) FROM scores WHERE round_id = ?1",
                    args![round.id],
                )?
                .unwrap_or(0);
            if scored > 0 && (existing.rubric != round.rubric || existing.kind != round.kind) {
                let (id, from, to) = (&round.id, &existing.rubric, &round.rubric);
                return refuse(say(
                    format!("轮次 {id} 已有评分:其评分细则和类型不能更改(由 {from} 改为 {to})"),
                    format!(
                        "round {id} has scores: its rubric and kind cannot change (from {from} to {to})"
                    ),
                ));
            }
        }
        let deadline = round.deadline.to_string();
        self.audited(&audit::ROUND, &[&round.id], |db| {
            db.execute(
                "INSERT INTO rounds (id, call_id, kind, name, name_en, rubric, deadline, state, year, midterm)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(id) DO UPDATE SET kind = ?3, name = ?4, name_en = ?5,
                     rubric = ?6, deadline = ?7, year = ?9, midterm = ?10",
                args![
                    round.id,
                    call.info.id,
                    round.kind.as_str(),
                    round.name,
                    round.name_en,
                    round.rubric,
                    deadline,
                    round.state.as_str(),
                    round.year,
                    round.midterm.then_some(1)
                ],
            )
        })
    }

    /// Moves a round's state (logged).
    pub fn set_round_state(&mut self, round: &str, state: RoundState) -> Result<Change> {
        if read::round(self.db(), round)?.is_none() {
            return refuse(missing("", "轮次", "round", round));
        }
        self.audited_existing(&audit::ROUND, &[round], |db| {
            db.execute(
                "UPDATE rounds SET state = ?2 WHERE id = ?1",
                args![round, state.as_str()],
            )
        })
    }

    // ------------------------------------------------------------ applications

    /// Resolves the application's prefecture (id or name) and region against
    /// its call, checks every reference, and adds or replaces it.
    pub fn put_application(&mut self, app: &Application) -> Result<Change> {
        let Some(call) = read::call(self.db(), &app.call)? else {
            let call = &app.call;
            return refuse(say(
                format!("call:找不到通知 {call:?}(请先导入通知)"),
                format!("call: no call {call:?} (import the call first)"),
            ));
        };
        let mut app = app.clone();
        let Some(tier) = call.tier(&app.tier) else {
            let ids: Vec<&str> = call.tiers.iter().map(|t| t.id.as_str()).collect();
            let tier = &app.tier;
            return refuse(say(
                format!("tier:应为 {} 之一,实际为 {tier:?}", ids.join("、")),
                format!("tier: expected one of {}, found {tier:?}", ids.join(", ")),
            ));
        };
        let Some(pref) = call.prefecture(&app.prefecture) else {
            let pref = &app.prefecture;
            return refuse(say(
                format!("prefecture:应为本通知 14 个市州之一(编号或名称),实际为 {pref:?}"),
                format!(
                    "prefecture: expected one of the call's 14 prefectures (id or name), found {pref:?}"
                ),
            ));
        };
        app.prefecture = pref.id.clone();
        if app.region.is_empty() {
            app.region = pref.region.clone();
        } else if call.region(&app.region).is_none() {
            let (region, call) = (&app.region, &call.info.id);
            return refuse(say(
                format!("region:通知 {call} 中没有区域 {region:?}"),
                format!("region: no region {region:?} in call {call}"),
            ));
        }
        for flag in &app.flags {
            if call.flag(flag).is_none() {
                return refuse(say(
                    format!("flags:未知标记 {flag:?}"),
                    format!("flags: unknown flag {flag:?}"),
                ));
            }
        }
        for id in app.sections.keys() {
            if call.section(id).is_none() {
                let ids: Vec<&str> = call.sections.iter().map(|s| s.id.as_str()).collect();
                return refuse(say(
                    format!("sections.{id}:应为 {} 之一", ids.join("、")),
                    format!("sections.{id}: expected one of {}", ids.join(", ")),
                ));
            }
        }
        for id in app.indicators.keys() {
            if !tier.indicators.iter().any(|d| &d.id == id) {
                let tier = &tier.id;
                return refuse(say(
                    format!("indicators.{id}:不是层级 {tier} 的指标"),
                    format!("indicators.{id}: not an indicator of tier {tier}"),
                ));
            }
        }
        if let Some(p) = app.check().first() {
            return refuse(p.clone());
        }
        let old = read::application(self.db(), &app.id)?;
        if let Some(old) = &old {
            if old.call != app.call {
                let (id, call) = (&app.id, &old.call);
                return refuse(say(
                    format!("id:申报 {id} 已属于通知 {call}"),
                    format!("id: application {id} already belongs to call {call}"),
                ));
            }
            if old.tier != app.tier && self.has_scores(&app.id)? {
                let (id, from, to) = (&app.id, &old.tier, &app.tier);
                return refuse(say(
                    format!("tier:申报 {id} 已有评分,其层级不能由 {from} 改为 {to}"),
                    format!(
                        "tier: application {id} has scores; its tier cannot change from {from} to {to}"
                    ),
                ));
            }
        }
        let change = match &old {
            Some(o) if *o == app => Change::Unchanged,
            Some(_) => Change::Updated,
            None => Change::Inserted,
        };
        if let (Change::Updated, Some(old), Some(actor)) = (change, &old, self.acting_member()?) {
            // Moving an application out of one's home 市州 would lift one's
            // own recusal (finding M5): not by the member recused from it.
            let declared = read::conflict(self.db(), &actor.id, &old.id)?;
            if crate::domain::panel::recusal(&actor, &old.prefecture, declared.as_ref()).is_some() {
                let (who, id) = (&actor.id, &old.id);
                return refuse(say(
                    format!("{who}:您须回避 {id},不能修改它"),
                    format!("{who}: you are recused from {id} and may not change it"),
                ));
            }
        }
        if change != Change::Unchanged {
            let id = app.id.clone();
            self.logged(&audit::APPLICATION, &[&id], |db| {
                db.execute(
                    "INSERT INTO applications (id, call_id, name, name_en, tier, prefecture, region, flags,
                        submitted_on, route, government_approval, contact, leading_group_head,
                        leading_group_principal, sections, indicators)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                     ON CONFLICT(id) DO UPDATE SET name = ?3, name_en = ?4, tier = ?5, prefecture = ?6,
                        region = ?7, flags = ?8, submitted_on = ?9, route = ?10, government_approval = ?11,
                        contact = ?12, leading_group_head = ?13, leading_group_principal = ?14,
                        sections = ?15, indicators = ?16",
                    args![
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
            crate::store::verdicts::refresh(self.db(), &call, std::slice::from_ref(&app))?;
        }
        self.log.note("application", change);
        Ok(change)
    }

    fn write_projects(&self, app: &str, projects: &[Project]) -> Result<()> {
        self.db()
            .execute("DELETE FROM projects WHERE application_id = ?1", args![app])?;
        for (i, p) in projects.iter().enumerate() {
            self.db().execute(
                "INSERT INTO projects (application_id, seq, name, category, status, total, plan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                args![
                    app,
                    i as i64,
                    p.name,
                    p.category,
                    p.status,
                    p.total,
                    to_json(&p.plan)
                ],
            )?;
        }
        Ok(())
    }

    /// Replaces an application's investment plan (from a tabular file).
    pub fn put_projects(&mut self, app_id: &str, projects: &[Project]) -> Result<Change> {
        let Some(mut app) = read::application(self.db(), app_id)? else {
            return refuse(missing("application", "申报", "application", app_id));
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
        if let Some(call) = read::call(self.db(), &app.call)? {
            crate::store::verdicts::refresh(self.db(), &call, std::slice::from_ref(&app))?;
        }
        self.log.note("investment_plan", Change::Updated);
        Ok(Change::Updated)
    }

    fn has_scores(&self, app: &str) -> Result<bool> {
        let n: Option<i64> = self.db().value(
            "SELECT count(*) FROM scores WHERE application_id = ?1",
            args![app],
        )?;
        Ok(n.unwrap_or(0) > 0)
    }

    // ------------------------------------------------------------ panel

    pub fn put_member(&mut self, member: &Member) -> Result<Change> {
        let mut member = member.clone();
        if member.roles.is_empty() {
            return refuse(say(
                "roles:应至少有 reviewer(评审专家)、secretary(秘书)之一",
                "roles: expected at least one of reviewer, secretary",
            ));
        }
        member.roles.sort();
        member.roles.dedup();
        if let Some(home) = &member.home_prefecture {
            let calls = read::calls(self.db())?;
            let Some(p) = calls.iter().find_map(|c| c.prefecture(home)) else {
                return refuse(say(
                    format!("home_prefecture:应为已导入通知中的市州,实际为 {home:?}"),
                    format!(
                        "home_prefecture: expected a prefecture of an imported call, found {home:?}"
                    ),
                ));
            };
            member.home_prefecture = Some(p.id.clone());
        }
        let old = read::member(self.db(), &member.id)?;
        let change = match &old {
            Some(o) if *o == member => Change::Unchanged,
            Some(_) => Change::Updated,
            None => Change::Inserted,
        };
        if let Some(o) = &old
            && self.actor == member.id
            && (o.home_prefecture != member.home_prefecture || o.roles != member.roles)
        {
            // These decide what the member must step aside from and what
            // they may read (finding M5): somebody else records them.
            let who = &member.id;
            return refuse(say(
                format!("{who}:成员不能更改本人的所在市州或角色;须由另一位秘书更改"),
                format!(
                    "{who}: no member changes their own home prefecture or roles; another secretary does"
                ),
            ));
        }
        if change != Change::Unchanged {
            let id = member.id.clone();
            self.logged(&audit::MEMBER, &[&id], |db| {
                db.execute(
                    "INSERT INTO members (id, name, name_en, department, home_prefecture, roles)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(id) DO UPDATE SET name = ?2, name_en = ?3, department = ?4,
                        home_prefecture = ?5, roles = ?6",
                    args![
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

    /// Sets (Some) or clears (None) a member's passphrase hash; `initial`
    /// marks one the secretary issued, which the member must replace at
    /// first sign-in. The caller hashes; the store never sees a passphrase.
    pub fn set_passphrase(
        &mut self,
        member: &str,
        phc: Option<&str>,
        initial: bool,
    ) -> Result<Change> {
        if read::member(self.db(), member)?.is_none() {
            return refuse(missing("member", "成员", "member", member));
        }
        let initial = initial.then_some(1);
        self.audited(&audit::PASSPHRASE, &[member], |db| match phc {
            Some(phc) => db.execute(
                "INSERT INTO member_secrets (member_id, phc, initial) VALUES (?1, ?2, ?3)
                 ON CONFLICT(member_id) DO UPDATE SET phc = ?2, initial = ?3",
                args![member, phc, initial],
            ),
            None => db.execute(
                "DELETE FROM member_secrets WHERE member_id = ?1",
                args![member],
            ),
        })
    }

    pub fn put_conflict(&mut self, c: &Conflict) -> Result<Change> {
        if read::member(self.db(), &c.member)?.is_none() {
            return refuse(missing("member", "成员", "member", &c.member));
        }
        if read::application(self.db(), &c.application)?.is_none() {
            return refuse(missing(
                "application",
                "申报",
                "application",
                &c.application,
            ));
        }
        let old = read::conflict(self.db(), &c.member, &c.application)?;
        if self.actor == c.member && old.as_ref() != Some(c) {
            // A declared conflict is a recusal fact: a member declares it to
            // the secretary, who records it (finding M5).
            let who = &c.member;
            return refuse(say(
                format!("{who}:成员不能记录本人的回避事项;须由秘书记录"),
                format!("{who}: no member records their own conflicts; the secretary does"),
            ));
        }
        self.audited(&audit::CONFLICT, &[&c.member, &c.application], |db| {
            db.execute(
                "INSERT INTO conflicts (member_id, application_id, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT(member_id, application_id) DO UPDATE SET reason = ?3",
                args![c.member, c.application, c.reason],
            )
        })
    }

    pub fn put_assignment(&mut self, a: &Assignment) -> Result<Change> {
        let Some(round) = read::round(self.db(), &a.round)? else {
            return refuse(missing("round", "轮次", "round", &a.round));
        };
        let Some(member) = read::member(self.db(), &a.member)? else {
            return refuse(missing("member", "成员", "member", &a.member));
        };
        if !member.has_role(Role::Reviewer) {
            let who = &a.member;
            return refuse(say(
                format!("member:{who} 不是评审专家"),
                format!("member: {who} is not a reviewer"),
            ));
        }
        let Some(app) = read::application(self.db(), &a.application)? else {
            return refuse(missing(
                "application",
                "申报",
                "application",
                &a.application,
            ));
        };
        if app.call != round.call {
            let (id, call, r, rcall) = (&app.id, &app.call, &round.id, &round.call);
            return refuse(say(
                format!("application:{id} 属于通知 {call},而轮次 {r} 属于通知 {rcall}"),
                format!("application: {id} belongs to call {call}, round {r} to call {rcall}"),
            ));
        }
        self.audited(
            &audit::ASSIGNMENT,
            &[&a.round, &a.member, &a.application],
            |db| {
                db.execute(
                    "INSERT INTO assignments (round_id, member_id, application_id)
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                    args![a.round, a.member, a.application],
                )
            },
        )
    }
}
