//! The secretary's writes: overrides, exports, the round's lifecycle and
//! deliberation.

use super::{Change, Writer, missing, refuse};
use crate::base::i18n::say;
use crate::domain::*;
use crate::store::audit;
use crate::store::sql::args;
use crate::store::{Result, StoreError, read};

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
        let r = self.deliberating(round)?;
        if read::application(self.db(), app)?.is_none() {
            return refuse(missing("application", "申报", "application", app));
        }
        self.not_recused(app)?;
        if r.kind == RoundKind::Assessment
            && !read::assignments(self.db(), round)?
                .iter()
                .any(|a| a.application == app)
        {
            return refuse(say(
                format!("{app} 不在 {round} 的考核范围内:只能调整试点的考核结果"),
                format!(
                    "{app} is not assessed in {round}: only a pilot's outcome can be overridden"
                ),
            ));
        }
        let fits = |o: Outcome| match r.kind {
            RoundKind::Selection => {
                matches!(
                    o,
                    Outcome::Selected | Outcome::Reserve | Outcome::NotSelected
                )
            }
            RoundKind::Assessment => {
                matches!(o, Outcome::Continued | Outcome::Warned | Outcome::Exited)
            }
        };
        match outcome {
            Some((o, _)) if !fits(o) => {
                let (kind, o) = (r.kind.as_str(), o.as_str());
                refuse(match r.kind {
                    RoundKind::Selection => say(
                        format!(
                            "outcome:遴选轮次的结果为 selected(入选)、reserve(备选)或 not_selected(未入选),不能是 {o}"
                        ),
                        format!("outcome: a {kind} round decides selected, reserve or not_selected, not {o}"),
                    ),
                    RoundKind::Assessment => say(
                        format!(
                            "outcome:考核轮次的结果为 continued(继续试点)、warned(限期整改)或 exited(退出),不能是 {o}"
                        ),
                        format!("outcome: a {kind} round decides continued, warned or exited, not {o}"),
                    ),
                })
            }
            Some((_, reason)) if reason.trim().is_empty() => refuse(say(
                "调整结果须写明理由",
                "an override needs a written reason",
            )),
            Some((o, reason)) => self.audited(&audit::OVERRIDE, &[round, app], |db| {
                db.execute(
                    "INSERT INTO overrides (round_id, application_id, outcome, reason) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(round_id, application_id) DO UPDATE SET outcome = ?3, reason = ?4",
                    args![round, app, o.as_str(), reason.trim()],
                )
            }),
            None => self.audited(&audit::OVERRIDE, &[round, app], |db| {
                db.execute(
                    "DELETE FROM overrides WHERE round_id = ?1 AND application_id = ?2",
                    args![round, app],
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
        self.audited(&audit::EXPORT, &[&id], |db| {
            db.execute(
                "INSERT INTO exports (id, round_id, format, public, path, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING",
                args![id, round, format, public, path, sha256],
            )
        })
    }
}

impl Writer<'_> {
    /// Moves a round one step forward: open → scoring → deliberation.
    /// Finalising goes through [`Writer::finalise`].
    pub fn advance_round(&mut self, round: &str) -> Result<RoundState> {
        let Some(r) = read::round(self.db(), round)? else {
            return refuse(missing("round", "轮次", "round", round));
        };
        let next = match r.state {
            RoundState::Open => RoundState::Scoring,
            RoundState::Scoring => RoundState::Deliberation,
            RoundState::Deliberation => {
                return refuse(say(
                    format!("本轮({round})已进入合议:须定案才能继续"),
                    "the round is in deliberation: finalise it to go on",
                ));
            }
            RoundState::Finalised => {
                return refuse(say(
                    format!("本轮({round})已定案"),
                    "the round is finalised",
                ));
            }
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
        decisions: &[Ruling],
        decided_on: Option<chrono::NaiveDate>,
    ) -> Result<()> {
        let Some(r) = read::round(self.db(), round)? else {
            return refuse(missing("round", "轮次", "round", round));
        };
        if r.state != RoundState::Deliberation {
            let state = r.state.as_str();
            let label = r.state.label(crate::base::i18n::Lang::Zh);
            return refuse(say(
                format!("本轮({round})目前{label}:只有进入合议的轮次才能定案"),
                format!(
                    "round {round} is in {state}: only a round in deliberation can be finalised"
                ),
            ));
        }
        let hidden = crate::store::roles::hidden_on_server(self.db(), round)?;
        if hidden > 0 {
            return refuse(say(
                format!(
                    "在服务器上您看不到本轮 {hidden} 份申请的评分(回避或尚未提交本人评分):名单须依据全部评分确定,请由能看到全部评分的秘书定案,或由管理员连接以 --as 代为定案"
                ),
                format!(
                    "on the server you may not read the scores of {hidden} application(s) of this round (recused, or not yet submitted your own): the list is settled from every score, so a secretary who may read them all settles it, or the administrator's connection does with --as"
                ),
            ));
        }
        let by = self.actor.clone();
        // The decision's date: when the panel decided, which is now unless
        // a round decided earlier is being recorded (the audit entry still
        // carries the time it was written).
        let at = decided_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| self.at.clone());
        for d in decisions {
            let due = d.due_on.map(|d| d.to_string());
            let facts = super::to_json(&d.facts);
            self.audited(&audit::DECISION, &[round, &d.application], |db| {
                db.execute(
                    "INSERT INTO decisions (round_id, application_id, outcome, grade, rationale,
                        decided_by, decided_at, score, due_on, facts)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT(round_id, application_id) DO UPDATE SET outcome = ?3, grade = ?4,
                        rationale = ?5, decided_by = ?6, decided_at = ?7, score = ?8, due_on = ?9,
                        facts = ?10",
                    args![
                        round,
                        d.application,
                        d.outcome.as_str(),
                        d.grade,
                        d.rationale,
                        by,
                        at,
                        d.score,
                        due,
                        facts
                    ],
                )
            })?;
        }
        self.set_round_state(round, RoundState::Finalised)?;
        Ok(())
    }

    /// Reopens a finalised round for deliberation: its decisions are
    /// withdrawn (each withdrawal logged) and the state goes back.
    pub fn reopen_round(&mut self, round: &str) -> Result<usize> {
        let Some(r) = read::round(self.db(), round)? else {
            return refuse(missing("round", "轮次", "round", round));
        };
        if r.state != RoundState::Finalised {
            return refuse(say(
                format!("本轮({round})尚未定案"),
                format!("round {round} is not finalised"),
            ));
        }
        // Later rounds were settled on this one's decisions (who is a pilot,
        // which reserve was promoted): it cannot change under them.
        let later: Vec<String> = read::rounds(self.db())?
            .into_iter()
            .filter(|o| o.call == r.call && o.id != r.id)
            .filter(|o| match (r.kind, o.kind) {
                (RoundKind::Selection, RoundKind::Assessment) => true,
                (RoundKind::Assessment, RoundKind::Assessment) => o.year > r.year,
                _ => false,
            })
            .map(|o| o.id)
            .collect();
        if !later.is_empty() {
            return refuse(say(
                format!(
                    "本轮({round})不能撤回定案:其后的轮次以其决定为依据({})",
                    later.join("、")
                ),
                format!(
                    "round {round} cannot be reopened: later rounds rest on its decisions ({})",
                    later.join(", ")
                ),
            ));
        }
        let apps: Vec<String> = self.db().query_map(
            "SELECT application_id FROM decisions WHERE round_id = ?1",
            args![round],
            |r| r.get(0),
        )?;
        for app in &apps {
            self.audited_existing(&audit::DECISION, &[round, app], |db| {
                db.execute(
                    "DELETE FROM decisions WHERE round_id = ?1 AND application_id = ?2",
                    args![round, app],
                )
            })?;
        }
        self.set_round_state(round, RoundState::Deliberation)?;
        Ok(apps.len())
    }
}

impl Writer<'_> {
    /// Refuses a secretary's act on an application the acting member is
    /// recused from (the operator, not a member, is never recused).
    fn not_recused(&self, app: &str) -> Result<()> {
        let (Some(member), Some(application)) = (
            read::member(self.db(), &self.actor)?,
            read::application(self.db(), app)?,
        ) else {
            return Ok(());
        };
        let declared = read::conflict(self.db(), &member.id, app)?;
        if crate::domain::panel::recusal(&member, &application.prefecture, declared.as_ref())
            .is_some()
        {
            let who = &member.id;
            return refuse(say(
                format!("{who}:您须回避此申报,不能对其作出决定"),
                format!("{who}: you are recused from this application and may not decide on it"),
            ));
        }
        Ok(())
    }

    /// The round, refused unless it exists and is not finalised: what the
    /// secretary's deliberation writes need.
    fn deliberating(&self, round: &str) -> Result<Round> {
        let Some(r) = read::round(self.db(), round)? else {
            return refuse(missing("round", "轮次", "round", round));
        };
        if r.state == RoundState::Finalised {
            return refuse(say(
                format!("本轮({round})已定案:请先撤回定案"),
                format!("round {round} is finalised: reopen it first"),
            ));
        }
        Ok(r)
    }

    /// Records the audit chain's head now (`jury verify --record`), so that
    /// a later rewrite of the history before it fails `verify`. Not itself
    /// an audit entry: it is a statement about the chain.
    pub fn record_anchor(&mut self) -> Result<Option<(i64, String)>> {
        let head: Option<(i64, String)> = self
            .db()
            .query_opt("SELECT seq, hash FROM audit_head", args![])?
            .map(|r| Ok::<_, StoreError>((r.get(0)?, r.get(1)?)))
            .transpose()?;
        if let Some((entry, hash)) = &head {
            self.db().execute(
                "INSERT INTO anchors (entry, hash, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4)",
                args![entry, hash, self.at, self.actor],
            )?;
            self.log.note("anchor", super::Change::Inserted);
        }
        Ok(head)
    }

    /// A discussion mark or note: for an application that exists, from a
    /// secretary not recused from it, while the round deliberates.
    fn may_deliberate_on(&mut self, round: &str, app: &str) -> Result<()> {
        self.deliberating(round)?;
        self.not_recused(app)?;
        if read::application(self.db(), app)?.is_none() {
            return refuse(missing("application", "申报", "application", app));
        }
        Ok(())
    }

    /// Marks an application discussed (or not) in a round.
    pub fn set_discussed(&mut self, round: &str, app: &str, discussed: bool) -> Result<Change> {
        self.may_deliberate_on(round, app)?;
        self.audited(&audit::DELIBERATION, &[round, app], |db| {
            db.execute(
                "INSERT INTO deliberations (round_id, application_id, discussed) VALUES (?1, ?2, ?3)
                 ON CONFLICT(round_id, application_id) DO UPDATE SET discussed = ?3",
                args![round, app, discussed],
            )
        })
    }

    /// The secretary's discussion note on an application.
    pub fn set_discussion_note(&mut self, round: &str, app: &str, note: &str) -> Result<Change> {
        self.may_deliberate_on(round, app)?;
        self.audited(&audit::DELIBERATION, &[round, app], |db| {
            db.execute(
                "INSERT INTO deliberations (round_id, application_id, note) VALUES (?1, ?2, ?3)
                 ON CONFLICT(round_id, application_id) DO UPDATE SET note = ?3",
                args![round, app, note],
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
        self.not_recused(app)?;
        if !matches!(r.state, RoundState::Scoring | RoundState::Deliberation) {
            return refuse(say(
                "只能在评分或合议阶段请专家复核",
                "revisits are asked while scoring or in deliberation",
            ));
        }
        if !read::is_assigned(self.db(), round, member, app)? {
            return refuse(say(
                format!("本轮({round})未分配成员 {member} 评审 {app}"),
                format!("member {member} is not assigned to {app} in round {round}"),
            ));
        }
        let m = read::member(self.db(), member)?
            .ok_or_else(|| StoreError::Refused(missing("", "成员", "member", member)))?;
        let a = read::application(self.db(), app)?
            .ok_or_else(|| StoreError::Refused(missing("", "申报", "application", app)))?;
        let declared = read::conflict(self.db(), member, app)?;
        if panel::recusal(&m, &a.prefecture, declared.as_ref()).is_some() {
            return refuse(say(
                format!("成员 {member} 须回避 {app}"),
                format!("member {member} is recused from {app}"),
            ));
        }
        let change = self.audited(&audit::REVISIT, &[round, member, app], |db| {
            db.execute(
                "INSERT INTO revisits (round_id, member_id, application_id, note, open) VALUES (?1, ?2, ?3, ?4, 1)
                 ON CONFLICT(round_id, member_id, application_id) DO UPDATE SET note = ?4, open = 1",
                args![round, member, app, note],
            )
        })?;
        let key = [round, member, app];
        if self.review_status(&key)? == Some(ReviewStatus::Submitted) {
            self.audited_existing(&audit::REVIEW, &key, |db| {
                db.execute(
                    "UPDATE reviews SET status = 'draft' WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                    args![key[0], key[1], key[2]],
                )
            })?;
        }
        Ok(change)
    }
}
