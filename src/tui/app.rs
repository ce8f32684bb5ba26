//! The app: screens, popups and the update function. `handle_key` turns a
//! key into an action, changes state, and returns the effects (database
//! writes, loads) for the runtime to perform. Nothing here touches a
//! terminal or a database, so it is tested directly.

use super::keymap::{Action, Context, Key, Keymap};
use super::queue::{MyStatus, Queue};
use super::review::ReviewForm;
pub use super::screen::Screen;
use super::theme::Theme;
use crate::base::i18n::Lang;
use crate::domain::{Member, Round};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Submit,
    Reopen,
    Advance,
    Finalise,
    /// Open the next year's assessment over the pilots.
    OpenAssessment,
    /// Discard the kept (uncommitted) comment of the focused row.
    DiscardKept,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    Help {
        scroll: usize,
    },
    Confirm(Confirm),
    /// Every criterion score of the selected application (secretary).
    Drill,
    /// Which reviewer to ask to revisit this application: (app, reviewers).
    ChooseReviewer(String, Vec<(String, String)>),
    /// A member's passphrase being typed at sign-in (shown masked).
    Passphrase {
        member: String,
        typed: String,
    },
    /// A score write found another value stored than this screen had seen
    /// (the same member in another terminal): keep theirs or write mine.
    Conflict {
        criterion: String,
        name: String,
        mine: Option<f64>,
        theirs: Option<f64>,
    },
    /// A member signed in with an initial passphrase sets their own: typed
    /// (masked), then typed again (`first` holds the first entry).
    NewPassphrase {
        member: String,
        first: Option<String>,
        typed: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

/// Which pane shows when the screen is too narrow for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Material,
    Scoring,
}

pub use super::editor::{CommentEditor, Purpose};

/// What the runtime must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SignIn(String),
    /// Replace an initial passphrase with the member's own, then sign in.
    SetOwnPassphrase {
        member: String,
        phrase: String,
    },
    /// Sign in once the passphrase checks out.
    SignInWithPassphrase {
        member: String,
        passphrase: String,
    },
    OpenReview(String),
    /// A value typed, stepped or cleared; `expected` is the value this
    /// screen last saw stored, which the write must replace (another
    /// terminal may have changed it meanwhile).
    SetValue {
        criterion: String,
        value: Option<f64>,
        expected: Option<f64>,
    },
    SaveBuffer {
        criterion: String,
        text: String,
    },
    /// Drop a kept comment (the member confirmed).
    DiscardBuffer {
        criterion: String,
    },
    CommitComment {
        criterion: String,
        text: String,
    },
    ExternalEditor {
        criterion: String,
        text: String,
    },
    Submit,
    Reopen,
    OpenMatrix,
    /// Recompute the matrix and list (e.g. with another method).
    LoadMatrix,
    Drill(String),
    Override {
        app: String,
        outcome: crate::domain::Outcome,
        reason: String,
    },
    ClearOverride(String),
    ToggleDiscussed(String),
    SaveNote {
        app: String,
        note: String,
    },
    Revisit {
        app: String,
        member: String,
        note: String,
    },
    Advance,
    Finalise,
    /// Open the next year's assessment round over the pilots.
    OpenAssessment,
    Export,
    /// Run this search text (on the worker when there is one).
    Search(String),
    /// Build and show this application's timeline.
    OpenTimeline(String),
}

pub struct Picker {
    pub members: Vec<Member>,
    pub selected: usize,
    /// Whether the panel is locked (some member has a passphrase): then
    /// every member is asked for theirs, so the picker shows nobody which
    /// members have one.
    pub locked: bool,
}

pub struct App {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub screen: Screen,
    pub popup: Option<Popup>,
    pub picker: Picker,
    pub member: Option<Member>,
    pub round: Option<Round>,
    pub queue: Queue,
    pub review: Option<ReviewForm>,
    pub secretary: Option<super::secretary::Secretary>,
    pub search: Option<super::search::SearchState>,
    /// The search worker, started the first time search opens.
    pub search_worker: Option<super::search::Worker>,
    pub timeline: Option<super::timeline::TimelineState>,
    pub editor: Option<CommentEditor>,
    pub message: Option<Message>,
    /// Percent of the width given to the material pane.
    pub split: u16,
    pub pane: Pane,
    /// Set by the runtime: the screen is too narrow for both review panes.
    pub narrow: bool,
    pub quit: bool,
}

impl App {
    pub fn new(lang: Lang, theme: Theme, keymap: Keymap, members: Vec<Member>) -> App {
        App {
            lang,
            theme,
            keymap,
            screen: Screen::Picker,
            popup: None,
            picker: Picker {
                members,
                selected: 0,
                locked: false,
            },
            member: None,
            round: None,
            queue: Queue::new(Vec::new(), Vec::new(), Vec::new()),
            review: None,
            secretary: None,
            search: None,
            search_worker: None,
            timeline: None,
            editor: None,
            message: None,
            split: 55,
            pane: Pane::Scoring,
            narrow: false,
            quit: false,
        }
    }

    pub fn context(&self) -> Context {
        match self.screen {
            Screen::Picker => Context::Picker,
            Screen::Queue => Context::Queue,
            Screen::Review => Context::Review,
            Screen::Matrix => Context::Matrix,
            Screen::List => Context::List,
            Screen::Search => Context::Search,
            Screen::Timeline => Context::Timeline,
        }
    }

    /// Who the runtime writes as: the signed-in member, else "tui".
    pub fn actor(&self) -> String {
        self.member
            .as_ref()
            .map(|m| m.id.clone())
            .unwrap_or_else(|| "tui".into())
    }

    /// The open review as the runtime writes it: (round, the actor,
    /// application).
    pub fn review_target(&self) -> Option<(String, String, String)> {
        let who = self.actor();
        self.review
            .as_ref()
            .map(|f| (f.round.clone(), who, f.app.id.clone()))
    }

    pub fn is_secretary(&self) -> bool {
        self.member
            .as_ref()
            .is_some_and(|m| m.has_role(crate::domain::Role::Secretary))
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Info,
            text: text.into(),
        });
    }
    pub fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Warning,
            text: text.into(),
        });
    }
    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Error,
            text: text.into(),
        });
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.editor.is_some() {
            return self.editor_key(key);
        }
        if let Some(popup) = self.popup.clone() {
            return self.popup_key(popup, key);
        }
        if self.screen == Screen::Queue && self.queue.editing_text {
            self.filter_key(key);
            return Vec::new();
        }
        if self.screen == Screen::Search
            && let Some(effects) = self.search_key(key)
        {
            return effects;
        }
        if self.screen == Screen::Review
            && let KeyCode::Char(c) = key.code
            && (c.is_ascii_digit() || c == '.')
            && !key.modifiers.contains(KeyModifiers::CONTROL)
        {
            return self.type_value(c);
        }
        let context = self.context();
        match self.keymap.action(context, Key::from_event(&key)) {
            Some(action) => self.act(action),
            None => {
                self.unbound_key(key);
                Vec::new()
            }
        }
    }

    /// A character key no command takes: said, never silently ignored.
    fn unbound_key(&mut self, key: KeyEvent) {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return;
        }
        match (self.screen, key.code) {
            (Screen::Review, _) => self.unbound_review_key(key),
            (Screen::Queue, KeyCode::Char(c)) if c.is_ascii_digit() => {
                let keys = self.keymap.keys_label(Context::Queue, Action::Open);
                let text = format!(
                    "{} {keys} {}",
                    self.lang
                        .pick("在队列中不能输入分值;按", "No scores in the queue; press"),
                    self.lang.pick("打开评分。", "to open the review.")
                );
                self.info(text);
            }
            _ => {}
        }
    }

    /// Text pasted: into the editor, the search box or the queue filter.
    pub fn handle_paste(&mut self, text: &str) -> Vec<Effect> {
        if let Some(editor) = &mut self.editor {
            if editor.area.insert_str(crate::base::text::sanitize(text)) {
                editor.dirty = true;
            }
            return Vec::new();
        }
        if self.popup.is_some() {
            return Vec::new();
        }
        if self.screen == Screen::Search
            && let Some(s) = &mut self.search
        {
            s.text
                .push_str(&crate::base::text::sanitize(text).replace('\n', " "));
            s.selected = 0;
            return vec![Effect::Search(s.text.clone())];
        }
        if self.screen == Screen::Queue && self.queue.editing_text {
            self.queue
                .text
                .push_str(&crate::base::text::sanitize(text).replace('\n', " "));
            self.queue.refilter();
        }
        Vec::new()
    }

    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        self.message = None;
        match action {
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
            Action::Help => {
                self.popup = Some(Popup::Help { scroll: 0 });
                Vec::new()
            }
            // A timeline opened from search: searching again goes back to
            // that search, so the two never return to each other in a loop.
            Action::Search
                if self.screen == Screen::Timeline
                    && self.search.is_some()
                    && self
                        .timeline
                        .as_ref()
                        .is_some_and(|t| t.back == Screen::Search) =>
            {
                self.screen = Screen::Search;
                self.timeline = None;
                Vec::new()
            }
            Action::Search if self.screen != Screen::Search => {
                let back = self.screen;
                let text = self
                    .search
                    .as_ref()
                    .map(|s| s.text.clone())
                    .unwrap_or_default();
                let mut state = super::search::SearchState::new(back);
                state.text = text.clone();
                self.search = Some(state);
                self.screen = Screen::Search;
                vec![Effect::Search(text)]
            }
            Action::Timeline if self.screen != Screen::Timeline => self.open_timeline(),
            _ => match self.screen {
                Screen::Picker => self.picker_action(action),
                Screen::Queue => self.queue_action(action),
                Screen::Review => self.review_action(action),
                Screen::Matrix | Screen::List => self.secretary_action(action),
                Screen::Search => self.search_action(action),
                Screen::Timeline => self.timeline_action(action),
            },
        }
    }

    fn picker_action(&mut self, action: Action) -> Vec<Effect> {
        let n = self.picker.members.len();
        match action {
            Action::Up => self.picker.selected = self.picker.selected.saturating_sub(1),
            Action::Down => {
                self.picker.selected = (self.picker.selected + 1).min(n.saturating_sub(1))
            }
            Action::Open => {
                if let Some(m) = self.picker.members.get(self.picker.selected) {
                    if self.picker.locked {
                        self.popup = Some(Popup::Passphrase {
                            member: m.id.clone(),
                            typed: String::new(),
                        });
                        return Vec::new();
                    }
                    return vec![Effect::SignIn(m.id.clone())];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn queue_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.queue.page.max(1) as isize;
        match action {
            Action::Up => self.queue.move_by(-1),
            Action::Down => self.queue.move_by(1),
            Action::PageUp => self.queue.move_by(-page),
            Action::PageDown => self.queue.move_by(page),
            Action::Top => self.queue.move_by(isize::MIN / 2),
            Action::Bottom => self.queue.move_by(isize::MAX / 2),
            Action::Filter => self.queue.editing_text = true,
            Action::CycleTier => self.queue.cycle_tier(),
            Action::CyclePrefecture => self.queue.cycle_prefecture(),
            Action::CycleStatus => self.queue.cycle_status(),
            Action::CycleSort => self.queue.cycle_sort(),
            Action::ClearFilters => self.queue.clear_filters(),
            Action::Open => return self.open_selected(),
            Action::OpenMatrix => {
                if self.is_secretary() {
                    return vec![Effect::OpenMatrix];
                }
                self.info(self.lang.pick(
                    "评审汇总仅供秘书使用。",
                    "The panel matrix is the secretary's.",
                ));
            }
            _ => {}
        }
        Vec::new()
    }

    fn secretary_action(&mut self, action: Action) -> Vec<Effect> {
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
                if s.is_masked(&app) {
                    let msg = s.masked_message(&app, lang);
                    self.warn(msg);
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
                    if s.is_masked(app) {
                        let msg = s.masked_message(app, lang);
                        self.warn(msg);
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
                if s.is_masked(&app) {
                    let msg = s.masked_message(&app, lang);
                    self.warn(msg);
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
                if s.is_masked(&row.app) {
                    let msg = s.masked_message(&row.app, lang);
                    self.warn(msg);
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
                    .map(|(_, m)| {
                        (
                            m.id.clone(),
                            crate::base::text::sanitize(crate::base::i18n::name_in(
                                lang, &m.name, &m.name_en,
                            )),
                        )
                    })
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

    /// Opens the selected application, unless the member is recused from it.
    pub fn open_selected(&mut self) -> Vec<Effect> {
        let Some(row) = self.queue.selected_row() else {
            return Vec::new();
        };
        if row.status == MyStatus::Recused {
            let text = format!(
                "{}{}",
                crate::base::text::sanitize(&row.name),
                self.lang.pick(
                    ":您已回避此申报,不能查看其评审情况,也不能评分。",
                    ": you are recused from this application and can neither see its reviews nor score it."
                )
            );
            self.warn(text);
            return Vec::new();
        }
        vec![Effect::OpenReview(row.app_id.clone())]
    }

    /// The timeline of the application selected on this screen: the
    /// queue's row, the matrix's row, the list's line, the search hit's
    /// application (a decision of an earlier programme has none).
    fn open_timeline(&mut self) -> Vec<Effect> {
        let target = match self.screen {
            Screen::Queue => self.queue.selected_row().map(|r| r.app_id.clone()),
            Screen::Matrix => self
                .secretary
                .as_ref()
                .and_then(|s| s.selected_app().map(str::to_string)),
            Screen::List => self
                .secretary
                .as_ref()
                .and_then(|s| s.selected_line().map(|l| l.app.clone())),
            Screen::Search => {
                let Some(found) = self.search.as_ref().and_then(|s| s.selected()) else {
                    return Vec::new();
                };
                if found.record.application.is_none() {
                    self.info(self.lang.pick(
                        "这是以往计划的决定,没有对应的申报履历。",
                        "A decision of an earlier programme: no application to show the timeline of.",
                    ));
                    return Vec::new();
                }
                found.record.application.clone()
            }
            _ => None,
        };
        target.map(Effect::OpenTimeline).into_iter().collect()
    }

    fn timeline_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(t) = &mut self.timeline else {
            self.screen = Screen::Queue;
            return Vec::new();
        };
        match action {
            Action::Up => t.move_by(-1),
            Action::Down => t.move_by(1),
            Action::ScrollDown => t.scroll_by(3),
            Action::ScrollUp => t.scroll_by(-3),
            Action::Back => {
                self.screen = t.back;
                self.timeline = None;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Typing on the search screen: characters edit the query (each edit
    /// runs it); other keys fall through to the keymap.
    fn search_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        let s = self.search.as_mut()?;
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => s.text.push(c),
            KeyCode::Backspace => {
                s.text.pop();
            }
            _ => return None,
        }
        s.selected = 0;
        Some(vec![Effect::Search(s.text.clone())])
    }

    fn search_action(&mut self, action: Action) -> Vec<Effect> {
        let lang = self.lang;
        let Some(s) = &mut self.search else {
            return Vec::new();
        };
        let n = s.results.len();
        match action {
            Action::Up => s.selected = s.selected.saturating_sub(1),
            Action::Down => s.selected = (s.selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => s.selected = s.selected.saturating_sub(10),
            Action::PageDown => s.selected = (s.selected + 10).min(n.saturating_sub(1)),
            Action::Back => {
                self.screen = s.back;
            }
            Action::Open => {
                let target = s.selected().and_then(|f| f.record.application.clone());
                match target {
                    Some(app) if self.queue.rows.iter().any(|r| r.app_id == app) => {
                        self.screen = Screen::Queue;
                        self.queue.clear_filters();
                        self.queue.select_app(&app);
                        return self.open_selected();
                    }
                    Some(_) => self.info(lang.pick(
                        "此申报不在您的评审队列中。",
                        "That application is not in your queue.",
                    )),
                    None => self.info(lang.pick(
                        "这是以往计划的决定,没有对应的本轮申报。",
                        "A decision of an earlier programme: no application of this round to open.",
                    )),
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                self.queue.text.clear();
                self.queue.editing_text = false;
            }
            KeyCode::Enter => self.queue.editing_text = false,
            KeyCode::Backspace => {
                self.queue.text.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.queue.text.push(c)
            }
            _ => return,
        }
        self.queue.refilter();
    }

    fn popup_key(&mut self, popup: Popup, key: KeyEvent) -> Vec<Effect> {
        match popup {
            Popup::Help { scroll } => {
                let next = match key.code {
                    KeyCode::Down | KeyCode::Char('j') => Some(scroll + 1),
                    KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
                    KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll + 10),
                    KeyCode::PageUp => Some(scroll.saturating_sub(10)),
                    _ => None,
                };
                self.popup = next.map(|scroll| Popup::Help { scroll });
                Vec::new()
            }
            Popup::Drill => {
                self.popup = None;
                Vec::new()
            }
            conflict @ Popup::Conflict { .. } => self.conflict_key(conflict, key),
            Popup::Passphrase { member, mut typed } => {
                match key.code {
                    KeyCode::Esc => self.popup = None,
                    KeyCode::Enter => {
                        self.popup = None;
                        return vec![Effect::SignInWithPassphrase {
                            member,
                            passphrase: typed,
                        }];
                    }
                    KeyCode::Backspace => {
                        typed.pop();
                        self.popup = Some(Popup::Passphrase { member, typed });
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        typed.push(c);
                        self.popup = Some(Popup::Passphrase { member, typed });
                    }
                    _ => {}
                }
                Vec::new()
            }
            Popup::NewPassphrase {
                member,
                first,
                mut typed,
            } => {
                match key.code {
                    KeyCode::Esc => self.popup = None,
                    KeyCode::Enter => match first {
                        None if typed.chars().count() < crate::panel::auth::MIN_CHARS => {
                            self.warn(if self.lang == Lang::Zh {
                                format!("口令至少 {} 个字符。", crate::panel::auth::MIN_CHARS)
                            } else {
                                format!(
                                    "A passphrase needs at least {} characters.",
                                    crate::panel::auth::MIN_CHARS
                                )
                            });
                            self.popup = Some(Popup::NewPassphrase {
                                member,
                                first: None,
                                typed,
                            });
                        }
                        None => {
                            self.popup = Some(Popup::NewPassphrase {
                                member,
                                first: Some(typed),
                                typed: String::new(),
                            })
                        }
                        Some(f) if f == typed => {
                            self.popup = None;
                            return vec![Effect::SetOwnPassphrase {
                                member,
                                phrase: typed,
                            }];
                        }
                        Some(_) => {
                            self.warn(self.lang.pick(
                                "两次输入不一致,请重新输入。",
                                "The two entries differ; type it again.",
                            ));
                            self.popup = Some(Popup::NewPassphrase {
                                member,
                                first: None,
                                typed: String::new(),
                            });
                        }
                    },
                    KeyCode::Backspace => {
                        typed.pop();
                        self.popup = Some(Popup::NewPassphrase {
                            member,
                            first,
                            typed,
                        });
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        typed.push(c);
                        self.popup = Some(Popup::NewPassphrase {
                            member,
                            first,
                            typed,
                        });
                    }
                    _ => {
                        self.popup = Some(Popup::NewPassphrase {
                            member,
                            first,
                            typed,
                        })
                    }
                }
                Vec::new()
            }
            Popup::ChooseReviewer(app, reviewers) => {
                self.popup = None;
                if let KeyCode::Char(c) = key.code
                    && let Some(d) = c.to_digit(10)
                    && let Some((member, name)) = reviewers.get((d as usize).wrapping_sub(1))
                {
                    let title = format!(
                        "{} {name} {} · {}",
                        self.lang.pick("请", "Ask"),
                        self.lang.pick("复核", "to revisit"),
                        self.lang.pick("说明(可空)", "note (optional)")
                    );
                    self.editor = Some(CommentEditor::new(
                        String::new(),
                        title,
                        "",
                        Purpose::Revisit(app, member.clone()),
                    ));
                }
                Vec::new()
            }
            Popup::Confirm(what) => {
                let yes = matches!(key.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter);
                let no = matches!(
                    key.code,
                    KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Char('q')
                );
                if yes {
                    self.popup = None;
                    return vec![match what {
                        Confirm::Submit => Effect::Submit,
                        Confirm::Reopen => Effect::Reopen,
                        Confirm::Advance => Effect::Advance,
                        Confirm::Finalise => Effect::Finalise,
                        Confirm::OpenAssessment => Effect::OpenAssessment,
                        Confirm::DiscardKept => Effect::DiscardBuffer {
                            criterion: self
                                .review
                                .as_ref()
                                .map(|f| f.focused_id().to_string())
                                .unwrap_or_default(),
                        },
                    }];
                }
                if no {
                    self.popup = None;
                }
                Vec::new()
            }
        }
    }
}
