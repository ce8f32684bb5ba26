//! Writes of reviews and scores: sheets from import, the review screen's
//! fine-grained writes, submission, reopening and comment buffers.

use super::{Change, Writer, missing, refuse};
use crate::base::i18n::say;
use crate::domain::*;
use crate::store::audit;
use crate::store::sql::args;
use crate::store::{Result, StoreError, read};
use std::collections::BTreeMap;

impl Writer<'_> {
    // ------------------------------------------------------------ scores

    /// Writes a review: its status, overall comment and the given scores.
    /// Refused when the round no longer takes scores, the member is not
    /// assigned or is recused, a criterion is not in the rubric for the
    /// application's tier, a value is out of range, or a submitted review
    /// leaves a criterion blank.
    pub fn put_review(&mut self, sheet: &ReviewSheet) -> Result<()> {
        let target = self.scoring_target(&sheet.round, &sheet.member, &sheet.application)?;
        let entered_by = self.on_behalf(&target)?;
        let (member, app, rubric) = (&target.member, &target.application, &target.rubric);
        for s in &sheet.scores {
            let Some(c) = rubric.criterion(&app.tier, &s.criterion) else {
                let ids: Vec<&str> = rubric
                    .criteria_for(&app.tier)
                    .map(|c| c.id.as_str())
                    .collect();
                let (tier, found) = (&app.tier, &s.criterion);
                return refuse(say(
                    format!(
                        "criterion:层级 {tier} 的评分项应为 {} 之一,实际为 {found:?}",
                        ids.join("、")
                    ),
                    format!(
                        "criterion: expected one of {} for tier {tier}, found {found:?}",
                        ids.join(", ")
                    ),
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
                let (app, who) = (&app.id, &member.id);
                return refuse(say(
                    format!("{who} 对 {app} 的评分已提交:如需修改请先在 jury 中撤回提交"),
                    format!(
                        "the review of {app} by {who} is submitted: reopen it in jury before changing it"
                    ),
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
                let (app, who) = (&app.id, &member.id);
                return refuse(say(
                    format!(
                        "{who} 对 {app} 的评分不能提交:以下评分项未填 {}",
                        blank.join("、")
                    ),
                    format!(
                        "review of {app} by {who} cannot be submitted: blank criteria {}",
                        blank.join(", ")
                    ),
                ));
            }
        }
        // The review row comes first: scores hang off it.
        let overall = sheet.overall_comment.clone();
        let review_change = self.audited(&audit::REVIEW, &key, |db| {
            db.execute(
                "INSERT INTO reviews (round_id, member_id, application_id, status, overall_comment)
                 VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''))
                 ON CONFLICT(round_id, member_id, application_id)
                 DO UPDATE SET status = ?4, overall_comment = coalesce(?5, reviews.overall_comment)",
                args![key[0], key[1], key[2], status.as_str(), overall],
            )
        })?;
        let mut changed = review_change != Change::Unchanged;
        for s in &sheet.scores {
            let c = self.audited(&audit::SCORE, &[key[0], key[1], key[2], &s.criterion], |db| {
                db.execute(
                    "INSERT INTO scores (round_id, member_id, application_id, criterion_id, value, comment)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(round_id, member_id, application_id, criterion_id)
                     DO UPDATE SET value = ?5, comment = ?6",
                    args![key[0], key[1], key[2], s.criterion, s.value, s.comment],
                )
            })?;
            changed |= c != Change::Unchanged;
        }
        if let Some(by) = entered_by.filter(|_| changed) {
            // Recorded on the review itself, not only as the log's actor:
            // the matrix shows who typed in a paper sheet.
            self.logged(&audit::REVIEW, &key, |db| {
                db.execute(
                    "UPDATE reviews SET entered_by = ?4
                     WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                    args![key[0], key[1], key[2], by],
                )
            })?;
        }
        if status == ReviewStatus::Submitted {
            self.close_revisit(&key)?;
        }
        Ok(())
    }

    /// Who enters `t`'s review on its member's behalf, if somebody else
    /// does: only a secretary (a reviewer writes their own reviews alone),
    /// never one recused from the application, and never one who may not
    /// read that review themselves (who reviews it blind): writing, and
    /// even a dry run's "unchanged", would answer what they may not read.
    /// None for the member themselves and for the operator of the file.
    fn on_behalf(&self, t: &ScoringTarget) -> Result<Option<String>> {
        let Some(actor) = read::member(self.db(), &self.actor)? else {
            return Ok(None);
        };
        if actor.id == t.member.id {
            return Ok(None);
        }
        let app = &t.application;
        if !actor.has_role(Role::Secretary) {
            let (who, whose) = (&actor.id, &t.member.id);
            return refuse(say(
                format!("{who}:评审专家只能录入本人的评分,不能录入 {whose} 的"),
                format!("{who}: a reviewer enters only their own reviews, not {whose}'s"),
            ));
        }
        let declared = read::conflict(self.db(), &actor.id, &app.id)?;
        let own = self.review_status(&[&t.round.id, &actor.id, &app.id])?;
        let standing = panel::Standing {
            recused: panel::recusal(&actor, &app.prefecture, declared.as_ref()).is_some(),
            reviews_it: read::is_assigned(self.db(), &t.round.id, &actor.id, &app.id)?,
            own_submitted: own == Some(ReviewStatus::Submitted),
        };
        if standing.recused {
            let (who, id, whose) = (&actor.id, &app.id, &t.member.id);
            return refuse(say(
                format!("{who}:您须回避 {id},不能代 {whose} 录入其评分"),
                format!(
                    "{who}: you are recused from {id} and may not enter a review of it (for {whose})"
                ),
            ));
        }
        let visible = read::call(self.db(), &t.round.call)?
            .map(|c| c.info.reviews_visible)
            .unwrap_or_default();
        if !panel::may_read_review(
            &actor,
            &t.member.id,
            ReviewStatus::Submitted,
            standing,
            visible,
        ) {
            let (who, id, whose) = (&actor.id, &app.id, &t.member.id);
            return refuse(say(
                format!(
                    "{who}:您本人也评审 {id},目前还不能查看 {whose} 对它的评分,因此不能代为录入"
                ),
                format!(
                    "{who}: you review {id} yourself and may not read {whose}'s review of it yet, so you may not enter it"
                ),
            ));
        }
        Ok(Some(actor.id))
    }
}

/// What recovering a member's edit buffers did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovery {
    pub committed: usize,
    /// Applications whose buffered comment must wait for a reopen.
    pub pending: Vec<String>,
    /// Applications whose buffered comment is kept where the member cannot
    /// reopen the review (its round no longer takes scores, or submitting
    /// showed the others' scores): only a revisit request can restore it.
    pub frozen: Vec<String>,
}

/// What a scoring write is about: checked once, shared by the fine-grained
/// writes the review screen makes.
pub struct ScoringTarget {
    pub round: Round,
    pub member: Member,
    /// Its facts only: `projects` is left empty (a score needs none).
    pub application: Application,
    pub rubric: Rubric,
}

impl Writer<'_> {
    /// Checks that `member` may score `app` in `round` now: the round takes
    /// scores, the member is assigned and not recused.
    pub fn scoring_target(&self, round: &str, member: &str, app: &str) -> Result<ScoringTarget> {
        let Some(round) = read::round(self.db(), round)? else {
            return refuse(missing("round", "轮次", "round", round));
        };
        let revisiting = round.state == RoundState::Deliberation
            && read::open_revisit(self.db(), &round.id, member, app)?.is_some();
        if !round.state.accepts_scores() && !revisiting {
            let (id, state) = (&round.id, round.state);
            return refuse(say(
                format!("本轮({id}){},不再接受评分", state_zh(state)),
                format!(
                    "round {id} is in {} and no longer takes scores",
                    state.as_str()
                ),
            ));
        }
        let Some(member) = read::member(self.db(), member)? else {
            return refuse(missing("member", "成员", "member", member));
        };
        // Tier and 市州 decide; the investment plan is not read.
        let Some(application) = read::application_facts(self.db(), app)? else {
            return refuse(missing("application", "申报", "application", app));
        };
        if !read::is_assigned(self.db(), &round.id, &member.id, &application.id)? {
            let (who, app, id) = (&member.id, &application.id, &round.id);
            return refuse(say(
                format!("本轮({id})未分配成员 {who} 评审 {app}"),
                format!("member {who} is not assigned to {app} in round {id}"),
            ));
        }
        let declared = read::conflict(self.db(), &member.id, &application.id)?;
        if let Some(r) = panel::recusal(&member, &application.prefecture, declared.as_ref()) {
            let why = match r {
                panel::Recusal::Declared(reason) => say(
                    format!("已声明回避事项({reason})"),
                    format!("declared conflict ({reason})"),
                ),
                panel::Recusal::HomePrefecture(p) => {
                    say(format!("本人所在市州 {p}"), format!("home prefecture {p}"))
                }
            };
            let (who, app) = (&member.id, &application.id);
            return refuse(say(
                format!("成员 {who} 须回避 {app}({why}),不能评分"),
                format!("member {who} is recused from {app} ({why}) and cannot score it"),
            ));
        }
        let call = read::call(self.db(), &round.call)?
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
        Ok(self
            .db()
            .query_map(
                "SELECT criterion_id, value, comment FROM scores
                 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                args![key[0], key[1], key[2]],
                |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
            )?
            .into_iter()
            .collect())
    }

    fn overall_comment(&self, key: &[&str; 3]) -> Result<String> {
        Ok(self
            .db()
            .value(
                "SELECT overall_comment FROM reviews WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                args![key[0], key[1], key[2]],
            )?
            .unwrap_or_default())
    }

    /// The values a review holds now, by criterion id.
    fn stored_values(&self, key: &[&str; 3]) -> Result<BTreeMap<String, Option<f64>>> {
        Ok(self
            .db()
            .query_map(
                "SELECT criterion_id, value FROM scores
                 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                args![key[0], key[1], key[2]],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .into_iter()
            .collect())
    }

    pub(super) fn review_status(&self, key: &[&str; 3]) -> Result<Option<ReviewStatus>> {
        let status: Option<String> = self.db().value(
            "SELECT status FROM reviews WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
            args![key[0], key[1], key[2]],
        )?;
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
                return refuse(say(
                    "此评分已提交:如需修改请先撤回提交",
                    "this review is submitted: reopen it to change it",
                ));
            }
            Some(ReviewStatus::Draft) => {}
            None => {
                self.audited(&audit::REVIEW, &k, |db| {
                    db.execute(
                        "INSERT INTO reviews (round_id, member_id, application_id, status)
                         VALUES (?1, ?2, ?3, 'draft')",
                        args![k[0], k[1], k[2]],
                    )
                })?;
            }
        }
        Ok(key)
    }

    /// Sets one criterion's value (None: blank) in a draft review.
    ///
    /// `expected` is the value this write replaces, as the writer last saw
    /// it stored (`Some(None)`: blank or no row). When the stored value is
    /// another (the same member changed it in another terminal meanwhile),
    /// the write is refused with [`StoreError::Conflict`] carrying the
    /// stored value, so a stale screen never overwrites a newer value
    /// silently. `None` writes unconditionally (imports, tools). The check
    /// and the audited write share this transaction.
    pub fn set_score_value(
        &mut self,
        round: &str,
        member: &str,
        app: &str,
        criterion: &str,
        value: Option<f64>,
        expected: Option<Option<f64>>,
    ) -> Result<Change> {
        let t = self.scoring_target(round, member, app)?;
        let Some(c) = t.rubric.criterion(&t.application.tier, criterion) else {
            return refuse(say(
                format!("criterion:本层级没有评分项 {criterion:?}"),
                format!("criterion: no criterion {criterion:?} for this tier"),
            ));
        };
        if let Some(v) = value {
            review::check_value(c.max, v)
                .map_err(|e| StoreError::Refused(format!("{} ({}): {e}", c.id, c.name)))?;
        }
        if let Some(expected) = expected {
            let stored = self.stored_value(&[round, member, app], criterion)?;
            if !same_value(stored, expected) {
                return Err(StoreError::Conflict { stored });
            }
        }
        let key = self.open_draft(&t)?;
        self.audited(&audit::SCORE, &[&key[0], &key[1], &key[2], criterion], |db| {
            db.execute(
                "INSERT INTO scores (round_id, member_id, application_id, criterion_id, value)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(round_id, member_id, application_id, criterion_id) DO UPDATE SET value = ?5",
                args![key[0], key[1], key[2], criterion, value],
            )
        })
    }

    /// One criterion's stored value (None: blank or no row).
    fn stored_value(&self, key: &[&str; 3], criterion: &str) -> Result<Option<f64>> {
        Ok(self
            .db()
            .value::<Option<f64>>(
                "SELECT value FROM scores WHERE round_id = ?1 AND member_id = ?2
                 AND application_id = ?3 AND criterion_id = ?4",
                args![key[0], key[1], key[2], criterion],
            )?
            .flatten())
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
            return refuse(say(
                format!("criterion:本层级没有评分项 {criterion:?}"),
                format!("criterion: no criterion {criterion:?} for this tier"),
            ));
        }
        let key = self.open_draft(&t)?;
        let change = if criterion.is_empty() {
            self.audited_existing(&audit::REVIEW, &[&key[0], &key[1], &key[2]], |db| {
                db.execute(
                    "UPDATE reviews SET overall_comment = ?4
                     WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                    args![key[0], key[1], key[2], text],
                )
            })?
        } else {
            self.audited(&audit::SCORE, &[&key[0], &key[1], &key[2], criterion], |db| {
                db.execute(
                    "INSERT INTO scores (round_id, member_id, application_id, criterion_id, comment)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(round_id, member_id, application_id, criterion_id) DO UPDATE SET comment = ?5",
                    args![key[0], key[1], key[2], criterion, text],
                )
            })?
        };
        self.db().execute(
            "DELETE FROM edit_buffers WHERE round_id = ?1 AND member_id = ?2
             AND application_id = ?3 AND criterion_id = ?4",
            args![key[0], key[1], key[2], criterion],
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
            return refuse(say(
                format!("以下评分项未填:{}", blank.join("、")),
                format!("blank: {}", blank.join("、")),
            ));
        }
        let change = self.audited_existing(&audit::REVIEW, &key, |db| {
            db.execute(
                "UPDATE reviews SET status = 'submitted'
                 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                args![key[0], key[1], key[2]],
            )
        })?;
        self.close_revisit(&key)?;
        Ok(change)
    }

    /// A submission answers an open revisit request.
    fn close_revisit(&mut self, key: &[&str; 3]) -> Result<()> {
        if read::open_revisit(self.db(), key[0], key[1], key[2])?.is_some() {
            self.audited_existing(&audit::REVISIT, key, |db| {
                db.execute(
                    "UPDATE revisits SET open = 0 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                    args![key[0], key[1], key[2]],
                )
            })?;
        }
        Ok(())
    }

    /// Reopens a submitted review (logged); only while the round takes
    /// scores. Under `after_own_submission`, submitting showed the member
    /// the others' submitted reviews: once there is one, reopening on their
    /// own would let them score again having peeked (finding M4), so only
    /// the secretary can send it back (`request_revisit`, which the matrix
    /// and the log show).
    pub fn reopen_review(&mut self, round: &str, member: &str, app: &str) -> Result<Change> {
        let t = self.scoring_target(round, member, app)?;
        let key = [round, member, app];
        if self.review_status(&key)? != Some(ReviewStatus::Submitted) {
            return refuse(say(
                "只有已提交的评分才能撤回提交",
                "only a submitted review can be reopened",
            ));
        }
        if self.reopen_needs_revisit(&t.round, member, app)? {
            return refuse(say(
                "您提交后已看到其他专家的评分:只有秘书能将此评分退回给您(请专家复核)",
                "the other reviewers' scores have been shown to you since you submitted: \
                 only the secretary can send this review back to you (revisit)",
            ));
        }
        self.audited_existing(&audit::REVIEW, &key, |db| {
            db.execute(
                "UPDATE reviews SET status = 'draft'
                 WHERE round_id = ?1 AND member_id = ?2 AND application_id = ?3",
                args![key[0], key[1], key[2]],
            )
        })
    }

    /// Whether submitting showed this member the others' submitted reviews
    /// (`after_own_submission` and one exists), so that only a revisit
    /// request may reopen the review.
    fn reopen_needs_revisit(&self, round: &Round, member: &str, app: &str) -> Result<bool> {
        let visible = read::call(self.db(), &round.call)?
            .map(|c| c.info.reviews_visible)
            .unwrap_or_default();
        let others_shown = read::reviews_of(self.db(), &round.id, app)?
            .iter()
            .any(|(m, status)| m != member && *status == ReviewStatus::Submitted);
        Ok(visible == ReviewsVisible::AfterOwnSubmission && others_shown)
    }

    /// Saves the text of a comment being typed (not audited: it is work in
    /// progress, committed to the audited comment when the editor closes).
    /// Refused when the member may not score the application now (a frozen
    /// round without an open revisit, recused, not assigned), so that a kept
    /// buffer of a frozen round is never overwritten. A submitted review
    /// still takes it: the text waits there for a reopen.
    pub fn save_edit_buffer(
        &mut self,
        round: &str,
        member: &str,
        app: &str,
        criterion: &str,
        text: &str,
    ) -> Result<()> {
        self.scoring_target(round, member, app)?;
        self.db().execute(
            "INSERT INTO edit_buffers (round_id, member_id, application_id, criterion_id, text, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(round_id, member_id, application_id, criterion_id)
             DO UPDATE SET text = ?5, updated_at = ?6",
            args![round, member, app, criterion, text, self.at],
        )?;
        self.log.note("edit_buffer", Change::Updated);
        Ok(())
    }

    /// Drops a kept comment the member explicitly chose to discard (the
    /// committed comment is untouched). Allowed in any round state: it is
    /// the member's own unsaved text.
    pub fn discard_edit_buffer(
        &mut self,
        round: &str,
        member: &str,
        app: &str,
        criterion: &str,
    ) -> Result<()> {
        let n = self.db().execute(
            "DELETE FROM edit_buffers WHERE round_id = ?1 AND member_id = ?2
             AND application_id = ?3 AND criterion_id = ?4",
            args![round, member, app, criterion],
        )?;
        if n > 0 {
            self.log.note("edit_buffer", Change::Updated);
        }
        Ok(())
    }

    /// Whether only the secretary can make a review editable for this
    /// member again: its round no longer takes scores and no revisit is
    /// open, or it is submitted and the member has seen the others' scores.
    fn needs_secretary(&self, round: &str, member: &str, app: &str) -> Result<bool> {
        let Some(r) = read::round(self.db(), round)? else {
            return Ok(true);
        };
        let revisiting = r.state == RoundState::Deliberation
            && read::open_revisit(self.db(), round, member, app)?.is_some();
        if !r.state.accepts_scores() && !revisiting {
            return Ok(true);
        }
        let submitted = self.review_status(&[round, member, app])? == Some(ReviewStatus::Submitted);
        Ok(submitted && self.reopen_needs_revisit(&r, member, app)?)
    }

    /// Commits every edit buffer a member left behind (a killed process) into
    /// the comments it belongs to. A buffer that cannot be committed now (the
    /// review was submitted, the round closed) is kept, never dropped: it is
    /// counted in `pending` (the member's reopen restores it) or `frozen`
    /// (only a revisit request can), and shown in the editor when it opens
    /// again.
    pub fn recover_edit_buffers(&mut self, member: &str) -> Result<Recovery> {
        let pending: Vec<(String, String, String, String)> = self.db().query_map(
            "SELECT round_id, application_id, criterion_id, text FROM edit_buffers
             WHERE member_id = ?1 ORDER BY updated_at",
            args![member],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut recovery = Recovery::default();
        for (round, app, criterion, text) in pending {
            match self.set_comment(&round, member, &app, &criterion, &text) {
                Ok(_) => recovery.committed += 1,
                Err(StoreError::Refused(_)) if self.needs_secretary(&round, member, &app)? => {
                    recovery.frozen.push(app)
                }
                Err(StoreError::Refused(_)) => recovery.pending.push(app),
                Err(e) => return Err(e),
            }
        }
        Ok(recovery)
    }
}

/// Stored values compare exactly as written, with a tolerance only for the
/// round trip through SQLite's REAL.
fn same_value(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        _ => false,
    }
}

/// Where a round stands, as the refusal says it in Chinese.
fn state_zh(state: RoundState) -> &'static str {
    match state {
        RoundState::Open => "处于受理阶段",
        RoundState::Scoring => "处于评分阶段",
        RoundState::Deliberation => "已进入合议",
        RoundState::Finalised => "已定案",
    }
}
