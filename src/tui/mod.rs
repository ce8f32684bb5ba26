//! The terminal interface. Key → action → update(state) → effects; the
//! runtime here performs the effects (database writes, loads), polls the
//! database for changes made by other processes, and draws.
//!
//! | part | files |
//! |---|---|
//! | the state and its update (no terminal, no database) | `app`, with the keys of each screen in `queue_keys`, `review_keys`, `editor_keys`, `secretary_keys`, `browse_keys`, `popup_keys`, `mouse` |
//! | each screen's own state | `queue`, `review`, `editor`, `secretary`, `search`, `timeline`, `screen` |
//! | drawing, from read-only state | `view` (one file per screen), `layout`, `theme` |
//! | the runtime: events in, effects performed | this file (the loop), `effects` (the dispatch), `sign_in`, `load`, `review_effects`, `comments`, `secretary_effects`, `terminal` |
//!
//! No two files here import each other, even through others
//! (`tests/layers.rs`).

pub mod app;
mod browse_keys;
mod comments;
pub mod data;
pub mod editor;
mod editor_keys;
mod effects;
pub mod keymap;
pub mod layout;
mod load;
mod mouse;
mod popup_keys;
pub mod queue;
mod queue_keys;
pub mod review;
mod review_effects;
pub mod review_keys;
pub mod screen;
pub mod search;
pub mod secretary;
mod secretary_effects;
mod secretary_keys;
mod sign_in;
mod terminal;
pub mod theme;
pub mod timeline;
pub mod view;

use crate::base::i18n::Lang;
use crate::store::Store;
use app::{App, Effect};
pub use effects::perform;
pub use load::reload;
pub use mouse::mouse;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui::layout::Rect;
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
    effects::INTERACTIVE.store(true, std::sync::atomic::Ordering::Relaxed);
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

/// Folds the worker's replies into the app; true when something changed.
fn poll_search(app: &mut App) -> bool {
    let Some(w) = &app.search_worker else {
        return false;
    };
    let mut changed = false;
    while let Ok(reply) = w.rx.try_recv() {
        let Some(s) = &mut app.search else { continue };
        match reply {
            search::Reply::Ready => s.ready = true,
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
