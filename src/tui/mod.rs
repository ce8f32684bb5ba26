//! The terminal interface. Key → action → update(state) → effects; the
//! runtime here performs the effects (database writes, loads), polls the
//! database for changes made by other processes, and draws.
//!
//! The state and its update are `app` with the files that extend it
//! (`review_keys`, `editor_keys`, `mouse`) and the screens' own states
//! (`queue`, `review`, `secretary`, `search`, `timeline`, `editor`);
//! drawing is `view`; the runtime is this file with `load`, `comments`,
//! `secretary_effects` and `terminal`. No two files here import each
//! other, even through others (`tests/layers.rs`).

pub mod app;
mod comments;
pub mod data;
pub mod editor;
mod editor_keys;
pub mod keymap;
pub mod layout;
mod load;
mod mouse;
pub mod queue;
pub mod review;
pub mod review_keys;
pub mod screen;
pub mod search;
pub mod secretary;
mod secretary_effects;
mod terminal;
pub mod theme;
pub mod timeline;
pub mod view;

use crate::base::i18n::Lang;
use crate::store::Store;
use app::{App, Effect, Screen};
use load::open_review;
pub use load::reload;
pub use mouse::mouse;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui::layout::Rect;
use secretary_effects::{drill, export, load_secretary, open_assessment, secretary_write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use terminal::{TerminalGuard, enter_terminal};

pub struct Options {
    pub db: PathBuf,
    pub member: Option<String>,
    pub lang: Lang,
    pub theme: Option<String>,
}

/// The user's configuration directory (keymap.toml, themes/).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "jury").map(|d| d.config_dir().to_path_buf())
}

/// Builds the app (theme, keymap, members) without a terminal.
pub fn build_app(
    store: &Store,
    lang: Lang,
    theme: Option<&str>,
    config: Option<&Path>,
) -> anyhow::Result<App> {
    let themes = config.map(|c| c.join("themes"));
    let name = theme
        .map(str::to_string)
        .or_else(|| std::env::var("JURY_THEME").ok())
        .unwrap_or_else(|| "dark".into());
    let theme = theme::Theme::load(&name, themes.as_deref()).map_err(|e| anyhow::anyhow!(e))?;
    let keymap = match config.map(|c| c.join("keymap.toml")) {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(&path)?;
            keymap::Keymap::with_overrides(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        _ => keymap::Keymap::default(),
    };
    let members = store.members()?;
    if members.is_empty() {
        anyhow::bail!(
            "{}",
            lang.pick(
                "数据库中没有评审组成员:请先导入评审组(jury import panel.toml),或运行 jury demo。",
                "no panel members in this database: import a panel first (jury import panel.toml), or run jury demo."
            )
        );
    }
    let mut app = App::new(lang, theme, keymap, members);
    app.picker.locked = !store.locked_members()?.is_empty();
    Ok(app)
}

pub fn run(opts: Options) -> anyhow::Result<()> {
    let mut store = Store::open(&opts.db)?;
    let config = config_dir();
    let mut app = build_app(&store, opts.lang, opts.theme.as_deref(), config.as_deref())?;
    if let Some(id) = &opts.member {
        if store.member(id)?.is_none() {
            anyhow::bail!(
                "--as: {} {id:?}{}",
                opts.lang.pick("没有此成员", "no member"),
                opts.lang.pick("(见 jury members)", " (see jury members)")
            );
        }
        perform(&mut app, &mut store, Effect::SignIn(id.clone()));
    }

    // Mouse capture is turned off before ratatui's own hook restores the rest.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        previous(info);
    }));
    INTERACTIVE.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut terminal = enter_terminal()?;
    let guard = TerminalGuard;
    let result = event_loop(&mut terminal, &mut app, &mut store);
    // Whatever ended the loop, the comment being typed is saved first.
    flush_buffer(&mut app, &mut store);
    drop(guard);
    result
}

/// How long typing in the comment editor may go unsaved: its edit buffer
/// is written at most this often while keys arrive, and at once when the
/// editor closes or the session ends. A kill -9 loses at most this much.
const BUFFER_SAVE_EVERY: Duration = Duration::from_millis(250);

/// Input already queued is handled before drawing again, up to this long,
/// so a large paste without bracketed paste is taken in whole batches and
/// the screen still moves while it arrives.
const DRAIN_FOR: Duration = Duration::from_millis(100);

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    store: &mut Store,
) -> anyhow::Result<()> {
    let mut version = store.data_version()?;
    let mut last_poll = Instant::now();
    let mut last_buffer_save = Instant::now() - BUFFER_SAVE_EVERY;
    let mut dirty = true;
    loop {
        let size = terminal.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        if app.editor.as_ref().is_some_and(|e| e.dirty)
            && last_buffer_save.elapsed() >= BUFFER_SAVE_EVERY
            && let Some(effect) = app.flush_buffer()
        {
            perform(app, store, effect);
            last_buffer_save = Instant::now();
            dirty = true;
        }
        if dirty {
            fit(app, area);
            terminal.draw(|f| view::draw(f, app))?;
            dirty = false;
            // Lets the end-to-end tests prove the terminal is restored after a panic.
            if std::env::var_os("JURY_TEST_PANIC").is_some() {
                panic!("JURY_TEST_PANIC: deliberate panic after the first frame");
            }
        }
        if app.quit {
            return Ok(());
        }
        dirty |= poll_search(app);
        // Poll briskly while a search is on its way or a buffer save is due.
        let wait = if app.search.as_ref().is_some_and(|s| s.pending() || !s.ready) {
            Duration::from_millis(20)
        } else if app.editor.as_ref().is_some_and(|e| e.dirty) {
            BUFFER_SAVE_EVERY.saturating_sub(last_buffer_save.elapsed())
        } else {
            Duration::from_millis(200)
        };
        if event::poll(wait)? {
            // Drain what is queued before drawing again. The poll(2) input
            // source (crossterm's use-dev-tty) sees bytes still unread on
            // the terminal; a zero timeout would not even look, so ask
            // with the shortest wait instead.
            let start = Instant::now();
            loop {
                let ev = event::read()?;
                dirty |= handle_event(app, store, terminal, ev, area)?;
                if app.quit
                    || start.elapsed() >= DRAIN_FOR
                    || !event::poll(Duration::from_millis(1))?
                {
                    break;
                }
            }
        }
        if last_poll.elapsed() >= Duration::from_millis(500) {
            last_poll = Instant::now();
            let now = store.data_version()?;
            if now != version {
                version = now;
                reload(app, store);
                dirty = true;
            }
        }
    }
}

/// Saves the comment being typed now (before the session ends, or the
/// terminal goes to another program).
pub fn flush_buffer(app: &mut App, store: &mut Store) {
    if let Some(effect) = app.flush_buffer() {
        perform(app, store, effect);
    }
}

/// Keeps the state's idea of the screen size current (page length, scroll).
pub fn fit(app: &mut App, area: Rect) {
    app.narrow = area.width < layout::NARROW;
    if let Some(s) = &mut app.secretary {
        // Summary line, table borders and header, calibration lines.
        s.page = (layout::frame(area).body.height as usize)
            .saturating_sub(1 + 3 + 4)
            .max(1);
    }
    app.queue.page = layout::queue_page(area);
    app.queue.scroll_into_view();
    view::clamp_scroll(app, area);
}

fn handle_event(
    app: &mut App,
    store: &mut Store,
    terminal: &mut ratatui::DefaultTerminal,
    ev: Event,
    area: Rect,
) -> anyhow::Result<bool> {
    let effects = match ev {
        Event::Key(k) if k.kind == KeyEventKind::Press => app.handle_key(k),
        Event::Key(_) => return Ok(false),
        Event::Paste(text) => app.handle_paste(&text),
        Event::Mouse(m) => mouse(app, m, area),
        Event::Resize(..) => Vec::new(),
        _ => return Ok(false),
    };
    for effect in effects {
        if let Effect::ExternalEditor { criterion, text } = effect {
            flush_buffer(app, store);
            comments::external_editor(app, store, terminal, criterion, text)?;
        } else {
            perform(app, store, effect);
        }
    }
    Ok(true)
}

/// Performs one effect against the store and folds the result into the app.
/// A refused write shows its reason and reloads the form from the store,
/// so the screen never shows a value that is not saved.
pub fn perform(app: &mut App, store: &mut Store, effect: Effect) {
    let who = app.actor();
    let target = app.review_target();
    let result: Result<(), String> = match effect {
        Effect::SignIn(id) => sign_in(app, store, &id).map_err(|e| e.to_string()),
        Effect::SignInWithPassphrase { member, passphrase } => {
            match crate::panel::auth::check(store, &member, &passphrase, app.lang) {
                Ok(crate::panel::auth::SignIn::Own) => {
                    sign_in(app, store, &member).map_err(|e| e.to_string())
                }
                Ok(crate::panel::auth::SignIn::Initial) => {
                    // Nothing else until the member has their own.
                    app.popup = Some(app::Popup::NewPassphrase {
                        member,
                        first: None,
                        typed: String::new(),
                    });
                    app.info(app.lang.pick(
                        "这是初始口令:请设置您自己的口令(至少 8 个字符,输入两次)。",
                        "That is an initial passphrase: set your own (8 characters or more, typed twice).",
                    ));
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            }
        }
        Effect::SetOwnPassphrase { member, phrase } => {
            crate::panel::auth::set_own(store, &member, &phrase, app.lang)
                .map_err(|e| e.to_string())
                .and_then(|()| sign_in(app, store, &member).map_err(|e| e.to_string()))
        }
        Effect::OpenReview(id) => open_review(app, store, &id).map_err(|e| e.to_string()),
        Effect::SetValue {
            criterion,
            value,
            expected,
        } => {
            let Some((round, member, application)) = target else {
                return;
            };
            let written = store.write(&who, true, |w| {
                w.set_score_value(
                    &round,
                    &member,
                    &application,
                    &criterion,
                    value,
                    Some(expected),
                )
            });
            match written {
                Ok(_) => {
                    if let Some(form) = &mut app.review
                        && let Some(i) = form.criteria.iter().position(|c| c.id == criterion)
                    {
                        form.stored[i] = value;
                    }
                    app.set_review_status(crate::domain::ReviewStatus::Draft);
                    Ok(())
                }
                Err(crate::store::StoreError::Conflict { stored }) => {
                    comments::conflict(app, &criterion, value, stored);
                    return;
                }
                Err(e) => {
                    // What was typed is not saved: it leaves the screen.
                    comments::refused_value(app, store, e.to_string());
                    return;
                }
            }
        }
        Effect::SaveBuffer { criterion, text } => {
            let Some(target) = target else {
                return;
            };
            comments::save_buffer(app, store, &who, &target, criterion, text);
            return;
        }
        Effect::CommitComment { criterion, text } => {
            let Some(target) = target else {
                return;
            };
            comments::commit(app, store, &who, &target, criterion, text);
            return;
        }
        Effect::DiscardBuffer { criterion } => {
            let Some((round, member, application)) = target else {
                return;
            };
            store
                .write(&who, true, |w| {
                    w.discard_edit_buffer(&round, &member, &application, &criterion)
                })
                .map(|_| {
                    if let Some(form) = &mut app.review {
                        form.kept.remove(&criterion);
                    }
                })
                .map_err(|e| e.to_string())
        }
        Effect::Submit => {
            let Some((round, member, application)) = target else {
                return;
            };
            match store.write(&who, true, |w| {
                w.submit_review(&round, &member, &application)
            }) {
                Ok(_) => {
                    let msg = app.lang.pick("已提交。", "Submitted.");
                    let _ = open_review(app, store, &application);
                    app.set_review_status(crate::domain::ReviewStatus::Submitted);
                    app.info(msg);
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            }
        }
        Effect::Reopen => {
            let Some((round, member, application)) = target else {
                return;
            };
            match store.write(&who, true, |w| {
                w.reopen_review(&round, &member, &application)
            }) {
                Ok(_) => {
                    let _ = open_review(app, store, &application);
                    app.set_review_status(crate::domain::ReviewStatus::Draft);
                    comments::after_reopen(app);
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            }
        }
        Effect::ExternalEditor { .. } => Ok(()),
        Effect::OpenMatrix | Effect::LoadMatrix => load_secretary(app, store).map(|_| {
            if app.screen != Screen::List {
                app.screen = Screen::Matrix;
            }
        }),
        Effect::Drill(id) => drill(app, store, &id),
        Effect::Override {
            app: id,
            outcome,
            reason,
        } => secretary_write(app, store, |w, round| {
            w.set_override(round, &id, Some((outcome, &reason)))
                .map(drop)
        }),
        Effect::ClearOverride(id) => secretary_write(app, store, |w, round| {
            w.set_override(round, &id, None).map(drop)
        }),
        Effect::ToggleDiscussed(id) => {
            let now = app
                .secretary
                .as_ref()
                .and_then(|s| s.deliberations.get(&id))
                .is_some_and(|(d, _)| *d);
            secretary_write(app, store, |w, round| {
                w.set_discussed(round, &id, !now).map(drop)
            })
        }
        Effect::SaveNote { app: id, note } => secretary_write(app, store, |w, round| {
            w.set_discussion_note(round, &id, &note).map(drop)
        }),
        Effect::Revisit {
            app: id,
            member,
            note,
        } => {
            let r = secretary_write(app, store, |w, round| {
                w.request_revisit(round, &member, &id, &note).map(drop)
            });
            if r.is_ok() {
                app.info(format!(
                    "{} {member}",
                    app.lang.pick("已请复核:", "Revisit asked of")
                ));
            }
            r
        }
        Effect::Advance => secretary_write(app, store, |w, round| w.advance_round(round).map(drop)),
        Effect::Finalise => match app
            .secretary
            .as_ref()
            .map(|s| (s.matrix.round.id.clone(), s.method))
        {
            Some((round, method)) => {
                crate::panel::tally::finalise(store, &round, method, false, &who, app.lang)
                    .map_err(|e| e.to_string())
                    .and_then(|n| {
                        load_secretary(app, store)?;
                        app.info(format!(
                            "{} {n} {}",
                            app.lang.pick("已定案,写入决定", "Finalised:"),
                            app.lang.pick("项。", "decisions.")
                        ));
                        Ok(())
                    })
            }
            None => Ok(()),
        },
        Effect::OpenAssessment => open_assessment(app, store, &who),
        Effect::Export => export(app, store),
        Effect::Search(text) => run_search(app, store, text),
        Effect::OpenTimeline(id) => open_timeline(app, store, &id),
    };
    if let Err(e) = result {
        app.error(e);
        reload(app, store);
    }
}

/// Builds an application's timeline as the signed-in member may read it
/// and shows it; a refusal (recused) leaves the screen as it was.
fn open_timeline(app: &mut App, store: &mut Store, id: &str) -> Result<(), String> {
    let built = crate::panel::timeline::build_in(store, id, app.member.as_ref(), app.lang)
        .map_err(|e| e.to_string())?;
    let back = match app.screen {
        Screen::Timeline => app.timeline.as_ref().map_or(Screen::Queue, |t| t.back),
        Screen::Search => {
            // A search opened from a timeline returns past it, so the two
            // never send Esc back and forth.
            let before = app.timeline.as_ref().map_or(Screen::Queue, |t| t.back);
            if let Some(s) = &mut app.search
                && s.back == Screen::Timeline
            {
                s.back = before;
            }
            Screen::Search
        }
        other => other,
    };
    app.timeline = Some(timeline::TimelineState::new(built, back));
    app.screen = Screen::Timeline;
    Ok(())
}

/// Sends a search to the worker (started on first use, on its own
/// connection); without a terminal (tests) it runs here.
fn run_search(app: &mut App, store: &mut Store, text: String) -> Result<(), String> {
    const LIMIT: usize = 200;
    let Some(s) = &mut app.search else {
        return Ok(());
    };
    s.sent += 1;
    let seq = s.sent;
    if app.search_worker.is_none() && INTERACTIVE.load(std::sync::atomic::Ordering::Relaxed) {
        app.search_worker = Some(search::Worker::start(
            store.path().to_path_buf(),
            app.member.clone(),
            LIMIT,
        ));
    }
    match &app.search_worker {
        Some(w) => w.ask(seq, &text),
        None => {
            let found = search::search_now(store, app.member.as_ref(), &text, LIMIT);
            let s = app.search.as_mut().expect("search open");
            s.ready = true;
            s.shown = seq;
            match found {
                Ok(r) => {
                    s.results = r;
                    s.error = None;
                }
                Err(e) => s.error = Some(e),
            }
        }
    }
    Ok(())
}

/// Set by `run`: a real terminal session uses a worker thread for search.
static INTERACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Folds the worker's replies into the app; true when something changed.
fn poll_search(app: &mut App) -> bool {
    let Some(w) = &app.search_worker else {
        return false;
    };
    let mut changed = false;
    while let Ok(reply) = w.rx.try_recv() {
        let Some(s) = &mut app.search else { continue };
        match reply {
            search::Reply::Ready(_) => s.ready = true,
            search::Reply::Results(seq, found) if seq >= s.shown => {
                s.shown = seq;
                match found {
                    Ok(r) => {
                        s.results = r;
                        s.error = None;
                        s.selected = s.selected.min(s.results.len().saturating_sub(1));
                    }
                    Err(e) => s.error = Some(e),
                }
            }
            search::Reply::Results(..) => {}
        }
        changed = true;
    }
    changed
}

fn sign_in(app: &mut App, store: &mut Store, id: &str) -> anyhow::Result<()> {
    // On a server the session's own role is the member: the picker cannot
    // make it anyone else (the policies would refuse their writes anyway).
    if let crate::store::Session::Member(me) = store.session()?
        && me != id
    {
        anyhow::bail!(crate::base::i18n::say(
            format!("在服务器上您的身份为 {me},不能以 {id} 登录"),
            format!("on the server you are {me}, and may not sign in as {id}"),
        ));
    }
    let member = store
        .member(id)?
        .ok_or_else(|| anyhow::anyhow!("no member {id:?}"))?;
    // Comments a killed session was typing are committed first.
    let (recovery, _) = store.write(&member.id, true, |w| w.recover_edit_buffers(&member.id))?;
    app.member = Some(member.clone());
    app.round = data::current_round(store, &member.id)?;
    app.screen = Screen::Queue;
    app.secretary = None;
    let lang = app.lang;
    match app.round.clone() {
        Some(round) => {
            let call = data::call_of(store, &round)?;
            let rows = data::queue_rows(store, &call, &round, &member, lang)?;
            let (tiers, prefs) = data::choices(&call, lang);
            app.queue = queue::Queue::new(rows, tiers, prefs);
        }
        None => app.queue = queue::Queue::new(Vec::new(), Vec::new(), Vec::new()),
    }
    if app.round.is_none() && member.has_role(crate::domain::Role::Secretary) {
        // A secretary with nothing to review starts on the panel matrix.
        if let Err(e) = load_secretary(app, store) {
            app.error(e);
        } else {
            app.screen = Screen::Matrix;
        }
    }
    if recovery.committed > 0 {
        app.info(format!(
            "{} {} {}",
            lang.pick("已恢复上次未保存完的评语", "Recovered"),
            recovery.committed,
            lang.pick("条。", "comment(s) from the last session.")
        ));
    }
    let mut waiting = Vec::new();
    if !recovery.pending.is_empty() {
        waiting.push(format!(
            "{}{}",
            lang.pick(
                "上次未保存的评语所属评分已提交,评语已保留,撤回重评后在该项按 Enter 即可继续:",
                "Comments from the last session are kept until their review is reopened (then Enter on the row): "
            ),
            recovery.pending.join(lang.pick("、", ", "))
        ));
    }
    if !recovery.frozen.is_empty() {
        // No reopen can help here: say what can.
        waiting.push(format!(
            "{}{}",
            lang.pick(
                "上次未保存的评语已保留,但其评分您已不能自行修改(只读);秘书请您复核后即可继续:",
                "Comments from the last session are kept, but you can no longer change their review yourself (read-only); they can be finished once the secretary asks you to revisit: "
            ),
            recovery.frozen.join(lang.pick("、", ", "))
        ));
    }
    if !waiting.is_empty() {
        app.warn(waiting.join(lang.pick(" ", " ")));
    }
    Ok(())
}
