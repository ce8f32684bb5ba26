//! The review screen's update: typed values, steps, the comment editor,
//! submit and reopen, and what a read-only review (submitted, or a round
//! in deliberation without a revisit request) refuses and why.

use super::app::{App, Confirm, Effect, Pane, Popup, Screen};
use super::keymap::{Action, Context};
use super::queue::MyStatus;
use super::review::{Typed, interpret, step};
use crate::domain::{ReviewStatus, RoundState};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Why the open review cannot be changed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnly {
    /// The round no longer takes scores and the secretary has not asked
    /// this member to revisit: nothing the member does can change it.
    Frozen(RoundState),
    /// Submitted: `R` reopens it.
    Submitted,
    /// Submitted after the others' scores were shown: only the secretary's
    /// revisit request reopens it (R would be a second look).
    SubmittedSeen,
}

impl App {
    /// Whether the open review can be changed, and if not, why.
    pub fn review_read_only(&self) -> Option<ReadOnly> {
        let form = self.review.as_ref()?;
        let round = self.round.as_ref().filter(|r| r.id == form.round)?;
        let revisiting = round.state == RoundState::Deliberation
            && self
                .queue
                .rows
                .iter()
                .any(|r| r.app_id == form.app.id && r.revisit.is_some());
        if !round.state.accepts_scores() && !revisiting {
            return Some(ReadOnly::Frozen(round.state));
        }
        match (form.submitted(), form.reopen_needs_revisit) {
            (false, _) => None,
            (true, false) => Some(ReadOnly::Submitted),
            (true, true) => Some(ReadOnly::SubmittedSeen),
        }
    }

    /// The message that says why a change is refused, with what can help.
    pub fn read_only_message(&self, why: ReadOnly) -> String {
        let lang = self.lang;
        match why {
            ReadOnly::Frozen(RoundState::Deliberation) => lang
                .pick(
                    "本轮已进入合议,评分只读;秘书请您复核时方可修改。",
                    "The round is in deliberation: this review is read-only unless the secretary asks you to revisit it.",
                )
                .into(),
            ReadOnly::Frozen(state) => format!(
                "{}{}{}",
                lang.pick("本轮", "The round is "),
                state.label(lang),
                lang.pick(",评分只读。", ": this review is read-only.")
            ),
            ReadOnly::SubmittedSeen => lang
                .pick(
                    "此评分已提交,且您已看到其他专家的评分:不能自行撤回,如需修改请秘书发起复核请求。",
                    "This review is submitted and you have seen the other reviewers' scores: only the secretary can send it back to you (revisit).",
                )
                .into(),
            ReadOnly::Submitted => {
                let keys = self.keymap.keys_label(Context::Review, Action::Reopen);
                format!(
                    "{} {keys} {}",
                    lang.pick(
                        "此评分已提交;如需修改,请按",
                        "This review is submitted; press"
                    ),
                    lang.pick("撤回重评。", "to reopen it.")
                )
            }
        }
    }

    fn refuse_if_read_only(&mut self) -> bool {
        match self.review_read_only() {
            Some(why) => {
                let text = self.read_only_message(why);
                self.warn(text);
                true
            }
            None => false,
        }
    }

    /// A key with no command on the review screen: it ends a number being
    /// typed (so `1e3` is never read as 13) and says so.
    pub(super) fn unbound_review_key(&mut self, key: KeyEvent) {
        let lang = self.lang;
        let KeyCode::Char(c) = key.code else { return };
        let typing = self.review.as_mut().and_then(|f| f.input.take());
        let text = match typing {
            Some(typed) => format!(
                "{}{c}{}{typed}{}",
                lang.pick("「", "'"),
                lang.pick(
                    "」不是数字,分值输入已结束(保存的是 ",
                    "' is not a digit: the value ends at "
                ),
                lang.pick(")。", ".")
            ),
            None => format!(
                "{}{c}{}",
                lang.pick("按键「", "The key '"),
                lang.pick(
                    "」在此没有作用;按 ? 查看按键。",
                    "' does nothing here; ? lists the keys."
                )
            ),
        };
        self.warn(text);
    }

    pub(super) fn type_value(&mut self, c: char) -> Vec<Effect> {
        self.message = None;
        if self.refuse_if_read_only() {
            return Vec::new();
        }
        let lang = self.lang;
        let Some(form) = &mut self.review else {
            return Vec::new();
        };
        let Some(crit) = form.focused_criterion().cloned() else {
            return Vec::new();
        };
        let mut text = form.input.clone().unwrap_or_default();
        text.push(c);
        match interpret(&text, crit.max, lang) {
            Typed::Value(v) => {
                form.input = Some(text);
                form.values[form.focus] = Some(v);
                vec![Effect::SetValue {
                    criterion: crit.id,
                    value: Some(v),
                    expected: form.stored[form.focus],
                }]
            }
            Typed::Partial => {
                form.input = Some(text);
                Vec::new()
            }
            Typed::Refused(why) => {
                self.error(format!("{}:{why}", crit.name));
                Vec::new()
            }
        }
    }

    /// The choice after a conflicting write: `m` writes mine over theirs,
    /// `t` or Esc keeps theirs (already on screen).
    pub(super) fn conflict_key(&mut self, popup: Popup, key: KeyEvent) -> Vec<Effect> {
        let Popup::Conflict {
            criterion,
            mine,
            theirs,
            ..
        } = popup
        else {
            return Vec::new();
        };
        let lang = self.lang;
        match key.code {
            KeyCode::Char('m' | 'M') => {
                self.popup = None;
                if let Some(form) = &mut self.review
                    && let Some(i) = form.criteria.iter().position(|c| c.id == criterion)
                {
                    form.values[i] = mine;
                }
                vec![Effect::SetValue {
                    criterion,
                    value: mine,
                    expected: theirs,
                }]
            }
            KeyCode::Char('t' | 'T') | KeyCode::Esc => {
                self.popup = None;
                self.info(lang.pick(
                    "已保留另一处保存的分值。",
                    "Kept the value saved elsewhere.",
                ));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn review_action(&mut self, action: Action) -> Vec<Effect> {
        let lang = self.lang;
        match action {
            Action::Back => {
                self.screen = Screen::Queue;
                self.review = None;
                return Vec::new();
            }
            Action::NextApplication | Action::PrevApplication => {
                let forward = action == Action::NextApplication;
                let next = self
                    .queue
                    .neighbour(forward)
                    .map(|r| (r.app_id.clone(), r.status));
                match next {
                    Some((id, status)) => {
                        self.queue.move_by(if forward { 1 } else { -1 });
                        if status == MyStatus::Recused {
                            return self.open_selected();
                        }
                        return vec![Effect::OpenReview(id)];
                    }
                    None => self.info(lang.pick(
                        "已是队列的最后/第一份。",
                        "No more applications in that direction.",
                    )),
                }
                return Vec::new();
            }
            Action::WidenLeft => self.split = (self.split + 5).min(80),
            Action::WidenRight => self.split = self.split.saturating_sub(5).max(20),
            Action::TogglePane if !self.narrow => self.info(lang.pick(
                "窗口够宽,材料与评分已并排显示;窄于 100 列时 w 切换两栏。",
                "Both panes are shown side by side; w switches them below 100 columns.",
            )),
            Action::TogglePane => {
                self.pane = match self.pane {
                    Pane::Material => Pane::Scoring,
                    Pane::Scoring => Pane::Material,
                }
            }
            _ => {}
        }
        let Some(form) = &mut self.review else {
            return Vec::new();
        };
        match action {
            Action::NextField => form.set_focus(form.focus + 1),
            Action::PrevField => form.set_focus(form.focus.saturating_sub(1)),
            Action::NextTab => {
                form.tab = (form.tab + 1) % form.tabs.len();
                form.scroll = 0;
            }
            Action::PrevTab => {
                form.tab = (form.tab + form.tabs.len() - 1) % form.tabs.len();
                form.scroll = 0;
            }
            // On a narrow screen showing the scoring pane, the page keys
            // scroll what is visible: the notes.
            Action::ScrollDown if self.pane == Pane::Scoring && self.narrow => {
                form.detail_scroll += 5
            }
            Action::ScrollUp if self.pane == Pane::Scoring && self.narrow => {
                form.detail_scroll = form.detail_scroll.saturating_sub(5)
            }
            Action::ScrollDown => form.scroll += 10,
            Action::ScrollUp => form.scroll = form.scroll.saturating_sub(10),
            Action::NotesDown => form.detail_scroll += 3,
            Action::NotesUp => form.detail_scroll = form.detail_scroll.saturating_sub(3),
            Action::Increment | Action::Decrement | Action::ClearValue => {
                if self.refuse_if_read_only() {
                    return Vec::new();
                }
                let form = self.review.as_mut().expect("review open");
                let Some(crit) = form.focused_criterion().cloned() else {
                    return Vec::new();
                };
                let current = form.values[form.focus];
                let value = match action {
                    Action::Increment => Some(step(current, true, crit.max)),
                    Action::Decrement => Some(step(current, false, crit.max)),
                    _ => {
                        // Backspace edits the typed digits first.
                        if let Some(input) = &mut form.input {
                            input.pop();
                            let text = input.clone();
                            match interpret(&text, crit.max, lang) {
                                Typed::Value(v) => Some(v),
                                _ => None,
                            }
                        } else {
                            None
                        }
                    }
                };
                if action != Action::ClearValue {
                    form.input = None;
                }
                if value == current {
                    return Vec::new();
                }
                form.values[form.focus] = value;
                return vec![Effect::SetValue {
                    criterion: crit.id,
                    value,
                    expected: form.stored[form.focus],
                }];
            }
            Action::EditComment | Action::ExternalEditor => {
                if self.refuse_if_read_only() {
                    return Vec::new();
                }
                if action == Action::ExternalEditor {
                    let form = self.review.as_ref().expect("review open");
                    return vec![Effect::ExternalEditor {
                        criterion: form.focused_id().to_string(),
                        text: form.editable_comment().to_string(),
                    }];
                }
                self.open_comment_editor();
            }
            Action::DiscardKept => {
                if form.kept.contains_key(form.focused_id()) {
                    self.popup = Some(Popup::Confirm(Confirm::DiscardKept));
                } else {
                    self.info(
                        lang.pick("此项没有保留的未保存评语。", "No kept comment on this row."),
                    );
                }
            }
            Action::Submit => {
                if let Some(why @ ReadOnly::Frozen(_)) = self.review_read_only() {
                    let text = self.read_only_message(why);
                    self.warn(text);
                    return Vec::new();
                }
                let form = self.review.as_ref().expect("review open");
                if form.submitted() {
                    self.info(lang.pick("此评分已提交。", "This review is already submitted."));
                    return Vec::new();
                }
                let blank = form.blank_criteria();
                if !blank.is_empty() {
                    let text = format!(
                        "{}{}",
                        lang.pick("不能提交,以下评分项未填:", "Cannot submit; blank: "),
                        blank.join(lang.pick("、", ", "))
                    );
                    self.error(text);
                    return Vec::new();
                }
                self.popup = Some(Popup::Confirm(Confirm::Submit));
            }
            Action::Reopen => {
                if !form.submitted() {
                    self.info(
                        lang.pick("此评分尚未提交,无需撤回。", "This review is not submitted."),
                    );
                    return Vec::new();
                }
                match self.review_read_only() {
                    Some(ReadOnly::Frozen(_)) => {
                        self.warn(lang.pick(
                            "本轮已进入合议,已提交的评分不能撤回;如需修改,请秘书发起复核请求。",
                            "The round no longer takes scores, so a submitted review cannot be reopened; the secretary can ask you to revisit it.",
                        ));
                        return Vec::new();
                    }
                    Some(why @ ReadOnly::SubmittedSeen) => {
                        let text = self.read_only_message(why);
                        self.warn(text);
                        return Vec::new();
                    }
                    _ => {}
                }
                self.popup = Some(Popup::Confirm(Confirm::Reopen));
            }
            _ => {}
        }
        Vec::new()
    }

    /// After a review's status changes in the store.
    pub fn set_review_status(&mut self, status: ReviewStatus) {
        if let Some(form) = &mut self.review {
            form.status = Some(status);
            let total = form.total();
            let my = match status {
                ReviewStatus::Submitted => MyStatus::Submitted,
                ReviewStatus::Draft => MyStatus::Draft,
            };
            self.queue.update_row(&form.app.id, my, Some(total.of_100));
        }
    }
}
