//! The secretary's screens' update (the matrix and the list): moving,
//! sorting, the aggregation method, drilling into an application, and what
//! asks for an effect (overrides, discussion, revisits, advancing,
//! finalising, exporting).

use super::app::{App, CommentEditor, Confirm, Effect, Popup, Purpose, Screen};
use super::keymap::Action;

impl App {
    pub(super) fn secretary_action(&mut self, action: Action) -> Vec<Effect> {
        let lang = self.lang;
        let Some(s) = &mut self.secretary else {
            return Vec::new();
        };
        let page = s.page.max(1) as isize;
        let on_list = self.screen == Screen::List;
        match action {
            Action::Up if on_list => s.list_move_by(-1),
            Action::Down if on_list => s.list_move_by(1),
            Action::PageUp if on_list => s.list_move_by(-page),
            Action::PageDown if on_list => s.list_move_by(page),
            Action::Up => s.move_by(-1),
            Action::Down => s.move_by(1),
            Action::PageUp => s.move_by(-page),
            Action::PageDown => s.move_by(page),
            Action::CycleSort => {
                s.sort = s.sort.next();
                s.resort();
            }
            Action::CycleMethod => {
                let all = crate::domain::aggregate::Method::ALL;
                let i = all.iter().position(|m| *m == s.method).unwrap_or(0);
                s.method = all[(i + 1) % all.len()];
                return vec![Effect::LoadMatrix];
            }
            Action::Drill => {
                let Some(app) = s.selected_app().map(str::to_string) else {
                    return Vec::new();
                };
                if let Some(why) = s.refusal(&app, lang) {
                    self.warn(why);
                    return Vec::new();
                }
                return vec![Effect::Drill(app)];
            }
            Action::OpenList => self.screen = Screen::List,
            Action::OpenMatrix => self.screen = Screen::Matrix,
            Action::Back => {
                self.screen = Screen::Queue;
                self.secretary = None;
            }
            Action::OverrideSelect | Action::OverrideReserve | Action::OverrideReject => {
                let Some(line) = s.selected_line() else {
                    return Vec::new();
                };
                let outcome = super::secretary::override_outcome(action, s.matrix.round.kind)
                    .expect("an override action");
                let app = line.app.clone();
                let title = format!(
                    "{} → {} · {}",
                    s.app_name(&app),
                    outcome.label(lang),
                    lang.pick("调整理由(必填)", "reason (required)")
                );
                self.editor = Some(CommentEditor::new(
                    String::new(),
                    title,
                    "",
                    Purpose::Override(app, outcome),
                ));
            }
            Action::ClearOverride => {
                if let Some(line) = s.selected_line() {
                    return vec![Effect::ClearOverride(line.app.clone())];
                }
            }
            Action::ToggleDiscussed => {
                if let Some(app) = s.selected_app() {
                    if let Some(why) = s.refusal(app, lang) {
                        self.warn(why);
                        return Vec::new();
                    }
                    return vec![Effect::ToggleDiscussed(app.to_string())];
                }
            }
            Action::DiscussionNote => {
                let Some(app) = s.selected_app().map(str::to_string) else {
                    return Vec::new();
                };
                // A note carries the panel's discussion (scores included).
                if let Some(why) = s.refusal(&app, lang) {
                    self.warn(why);
                    return Vec::new();
                }
                let note = s
                    .deliberations
                    .get(&app)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                let title = format!(
                    "{} · {}",
                    s.app_name(&app),
                    lang.pick("讨论记录", "discussion note")
                );
                self.editor = Some(CommentEditor::new(
                    String::new(),
                    title,
                    &note,
                    Purpose::Note(app),
                ));
            }
            Action::AskRevisit => {
                let Some(pos) = s.order.get(s.selected).copied() else {
                    return Vec::new();
                };
                let row = &s.matrix.rows[pos];
                if let Some(why) = s.refusal(&row.app, lang) {
                    self.warn(why);
                    return Vec::new();
                }
                let reviewers: Vec<(String, String)> = row
                    .cells
                    .iter()
                    .zip(&s.matrix.reviewers)
                    .filter(|(c, _)| {
                        matches!(
                            c,
                            crate::panel::tally::Cell::Submitted(_)
                                | crate::panel::tally::Cell::Draft(_)
                                | crate::panel::tally::Cell::Missing
                        )
                    })
                    .map(|(_, m)| (m.id.clone(), m.shown(lang)))
                    .take(9)
                    .collect();
                if reviewers.is_empty() {
                    self.info(lang.pick("没有可请复核的专家。", "No reviewer to ask."));
                    return Vec::new();
                }
                self.popup = Some(Popup::ChooseReviewer(row.app.clone(), reviewers));
            }
            Action::Advance => self.popup = Some(Popup::Confirm(Confirm::Advance)),
            Action::Finalise => self.popup = Some(Popup::Confirm(Confirm::Finalise)),
            Action::OpenAssessment => {
                if s.matrix.round.state == crate::domain::RoundState::Finalised {
                    self.popup = Some(Popup::Confirm(Confirm::OpenAssessment));
                } else {
                    self.warn(lang.pick(
                        "本轮定案后才能开启下一年度考核。",
                        "Finalise this round before opening the next year's assessment.",
                    ));
                }
            }
            Action::Export => return vec![Effect::Export],
            _ => {}
        }
        Vec::new()
    }
}
