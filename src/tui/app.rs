//! The app: screens, popups and the update function. `handle_key` turns a
//! key into an action, changes state, and returns the effects (database
//! writes, loads) for the runtime to perform. Nothing here touches a
//! terminal or a database, so it is tested directly.

use super::keymap::{Action, Context, Key, Keymap};
use super::queue::Queue;
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
}
