//! The terminal interface. Key → action → update(state) → effects; the
//! runtime here performs the effects (database writes, loads), polls the
//! database for changes made by other processes, and draws.

pub mod app;
pub mod data;
pub mod keymap;
pub mod layout;
pub mod queue;
pub mod review;
pub mod search;
pub mod secretary;
pub mod theme;
pub mod timeline;
pub mod view;

use crate::i18n::Lang;
use crate::store::Store;
use app::{App, Effect, Pane, Screen};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

/// Restores the terminal when dropped: on return, on error and on panic.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        ratatui::restore();
    }
}

fn enter_terminal() -> anyhow::Result<ratatui::DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    Ok(terminal)
}

pub fn run(opts: Options) -> anyhow::Result<()> {
    let mut store = Store::open(&opts.db)?;
    let config = config_dir();
    let mut app = build_app(&store, opts.lang, opts.theme.as_deref(), config.as_deref())?;
    if let Some(id) = &opts.member {
        if store.member(id)?.is_none() {
            anyhow::bail!("--as: no member {id:?} (see jury members)");
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
    drop(guard);
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    store: &mut Store,
) -> anyhow::Result<()> {
    let mut version = store.data_version()?;
    let mut last_poll = Instant::now();
    let mut dirty = true;
    loop {
        let size = terminal.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
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
        // Poll briskly while a search is on its way.
        let wait = if app.search.as_ref().is_some_and(|s| s.pending() || !s.ready) {
            20
        } else {
            200
        };
        if event::poll(Duration::from_millis(wait))? {
            // Drain what is queued before drawing again.
            loop {
                let ev = event::read()?;
                dirty |= handle_event(app, store, terminal, ev, area)?;
                if app.quit || !event::poll(Duration::ZERO)? {
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
            external_editor(app, store, terminal, criterion, text)?;
        } else {
            perform(app, store, effect);
        }
    }
    Ok(true)
}

fn actor(app: &App) -> String {
    app.member
        .as_ref()
        .map(|m| m.id.clone())
        .unwrap_or_else(|| "tui".into())
}

/// Performs one effect against the store and folds the result into the app.
/// A refused write shows its reason and reloads the form from the store,
/// so the screen never shows a value that is not saved.
pub fn perform(app: &mut App, store: &mut Store, effect: Effect) {
    let who = actor(app);
    let target = app
        .review
        .as_ref()
        .map(|f| (f.round.clone(), who.clone(), f.app.id.clone()));
    let result: Result<(), String> = match effect {
        Effect::SignIn(id) => sign_in(app, store, &id).map_err(|e| e.to_string()),
        Effect::SignInWithPassphrase { member, passphrase } => {
            match crate::auth::check(store, &member, &passphrase, app.lang) {
                Ok(crate::auth::SignIn::Own) => {
                    sign_in(app, store, &member).map_err(|e| e.to_string())
                }
                Ok(crate::auth::SignIn::Initial) => {
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
            crate::auth::set_own(store, &member, &phrase, app.lang)
                .map_err(|e| e.to_string())
                .and_then(|()| sign_in(app, store, &member).map_err(|e| e.to_string()))
        }
        Effect::OpenReview(id) => open_review(app, store, &id).map_err(|e| e.to_string()),
        Effect::SetValue { criterion, value } => {
            let Some((round, member, application)) = target else {
                return;
            };
            store
                .write(&who, true, |w| {
                    w.set_score_value(&round, &member, &application, &criterion, value)
                })
                .map(|_| app.set_review_status(crate::domain::ReviewStatus::Draft))
                .map_err(|e| e.to_string())
        }
        Effect::SaveBuffer { criterion, text } => {
            let Some((round, member, application)) = target else {
                return;
            };
            store
                .write(&who, true, |w| {
                    w.save_edit_buffer(&round, &member, &application, &criterion, &text)
                })
                .map(drop)
                .map_err(|e| e.to_string())
        }
        Effect::CommitComment { criterion, text } => {
            let Some((round, member, application)) = target else {
                return;
            };
            store
                .write(&who, true, |w| {
                    w.set_comment(&round, &member, &application, &criterion, &text)
                })
                .map(|_| app.set_review_status(crate::domain::ReviewStatus::Draft))
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
                    app.info(app.lang.pick(
                        "已撤回,评分恢复为草稿。",
                        "Reopened: the review is a draft again.",
                    ));
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
                crate::tally::finalise(store, &round, method, false, &who, app.lang)
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

/// Opens the assessment of the year after the latest round (the pilots'
/// first year after the selection), then shows it.
fn open_assessment(app: &mut App, store: &mut Store, who: &str) -> Result<(), String> {
    let Some(s) = &app.secretary else {
        return Ok(());
    };
    let call = s.call.clone();
    let latest = store
        .rounds()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|r| r.call == call.info.id && r.kind == crate::domain::RoundKind::Assessment)
        .filter_map(|r| r.year)
        .max();
    let year = latest.map_or(call.info.pilot_start, |y| y + 1);
    let deadline = year
        .checked_add(1)
        .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 3, 31))
        .ok_or_else(|| format!("{year}: out of range"))?;
    let midterm = call.management.midterm_years.contains(&year);
    let round = crate::pilots::open_assessment(store, &call.info.id, year, midterm, deadline, who)
        .map_err(|e| e.to_string())?;
    load_secretary(app, store)?;
    let lang = app.lang;
    app.info(format!(
        "{} {}",
        lang.pick("已开启:", "Opened:"),
        crate::text::sanitize(crate::i18n::name_in(lang, &round.name, &round.name_en))
    ));
    Ok(())
}

/// Builds an application's timeline as the signed-in member may read it
/// and shows it; a refusal (recused) leaves the screen as it was.
fn open_timeline(app: &mut App, store: &mut Store, id: &str) -> Result<(), String> {
    let built = crate::timeline::build_in(store, id, app.member.as_ref(), app.lang)
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

/// Loads (or reloads) the secretary's matrix and list for the round the
/// secretary works on, with the method chosen on screen.
fn load_secretary(app: &mut App, store: &mut Store) -> Result<(), String> {
    let Some(member) = app.member.clone() else {
        return Ok(());
    };
    let round = crate::tally::default_round(store)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| app.lang.pick("没有评审轮次。", "No rounds.").to_string())?;
    let method = app
        .secretary
        .as_ref()
        .map(|s| s.method)
        .unwrap_or(crate::domain::aggregate::Method::TrimmedMean);
    let (call, mut matrix) =
        crate::tally::matrix(store, &round, method).map_err(|e| e.to_string())?;
    let mut lists = crate::tally::settle(store, &call, &matrix).map_err(|e| e.to_string())?;
    let sight = crate::sight::Sight::of(store, Some(&member), &round).map_err(|e| e.to_string())?;
    // What the secretary may not read is masked in the data itself, so no
    // view can show it by mistake.
    crate::tally::mask(&mut matrix, &mut lists, &sight);
    let rows = || matrix.rows.iter().map(|r| r.app.as_str());
    let masked: Vec<String> = sight.hidden_of(rows()).into_iter().collect();
    let recused: Vec<String> = rows()
        .filter(|a| sight.recused(a))
        .map(str::to_string)
        .collect();
    let deliberations = sight
        .deliberations(store, &round)
        .map_err(|e| e.to_string())?;
    let changes = store
        .recusal_fact_changes(&round)
        .map_err(|e| e.to_string())?;
    if !changes.is_empty() && app.secretary.is_none() {
        app.warn(format!(
            "{} {}{}",
            app.lang.pick(
                "注意:评分开始后回避事实有变更",
                "Note: recusal facts changed after scoring began:"
            ),
            changes.len(),
            app.lang.pick(
                " 处(详见 jury matrix 与审计链)。",
                " (see jury matrix and the audit log)."
            )
        ));
    }
    match &mut app.secretary {
        Some(s) => s.replace(matrix, lists, masked, recused),
        None => {
            app.secretary = Some(secretary::Secretary::new(
                call, matrix, lists, masked, recused,
            ))
        }
    }
    if let Some(s) = &mut app.secretary {
        s.deliberations = deliberations;
    }
    Ok(())
}

/// A secretary's write on the current round, then a reload of the screens.
fn secretary_write(
    app: &mut App,
    store: &mut Store,
    f: impl FnOnce(&mut crate::store::Writer<'_>, &str) -> crate::store::Result<()>,
) -> Result<(), String> {
    let Some(round) = app.secretary.as_ref().map(|s| s.matrix.round.id.clone()) else {
        return Ok(());
    };
    let who = actor(app);
    store
        .write(&who, true, |w| f(w, &round))
        .map_err(|e| e.to_string())?;
    load_secretary(app, store)?;
    if let Some(r) = store.round(&round).map_err(|e| e.to_string())?
        && app.round.as_ref().is_some_and(|cur| cur.id == r.id)
    {
        app.round = Some(r);
    }
    Ok(())
}

fn drill(app: &mut App, store: &mut Store, id: &str) -> Result<(), String> {
    let Some(s) = &mut app.secretary else {
        return Ok(());
    };
    if s.is_masked(id) {
        return Ok(());
    }
    let sight = crate::sight::Sight::of(store, app.member.as_ref(), &s.matrix.round.id)
        .map_err(|e| e.to_string())?;
    let members: std::collections::BTreeMap<String, crate::domain::Member> = store
        .members()
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect();
    let reviews = store
        .reviews(&s.matrix.round.id)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|r| r.application == id && sight.may_read(id, &r.member, r.status))
        .map(|r| {
            let name = members
                .get(&r.member)
                .map(|m| crate::text::sanitize(crate::i18n::name_in(app.lang, &m.name, &m.name_en)))
                .unwrap_or_else(|| r.member.clone());
            (name, r)
        })
        .collect();
    s.drill = Some(secretary::Drill {
        app: id.to_string(),
        reviews,
    });
    app.popup = Some(app::Popup::Drill);
    Ok(())
}

/// Exports the internal and the public list, each as CSV and XLSX, into
/// the current folder, each logged with its SHA-256, and says where.
fn export(app: &mut App, store: &mut Store) -> Result<(), String> {
    use sha2::Digest;
    let Some(s) = &app.secretary else {
        return Ok(());
    };
    let round = s.matrix.round.id.clone();
    let who = actor(app);
    let mut written = Vec::new();
    let head = store.audit_head().map_err(|e| e.to_string())?;
    for public in [false, true] {
        let mut doc = crate::export::document(&s.call, &s.matrix, &s.lists, public, app.lang);
        doc.audit_head = head.as_ref().map(crate::export::head_text);
        for format in [crate::export::Format::Csv, crate::export::Format::Xlsx] {
            let bytes = crate::export::render(&doc, format, app.lang).map_err(|e| e.to_string())?;
            let kind = if public { "public" } else { "list" };
            let path = std::path::PathBuf::from(format!("jury-{round}-{kind}.{}", format.as_str()));
            crate::cli::write_atomically(&path, &bytes).map_err(|e| e.to_string())?;
            let sha = hex::encode(sha2::Sha256::digest(&bytes));
            store
                .write(&who, true, |w| {
                    w.record_export(
                        &round,
                        format.as_str(),
                        public,
                        &path.display().to_string(),
                        &sha,
                    )
                })
                .map_err(|e| e.to_string())?;
            written.push(path.display().to_string());
        }
    }
    app.info(format!(
        "{} {}",
        app.lang.pick("已导出:", "Exported:"),
        written.join(", ")
    ));
    Ok(())
}

fn sign_in(app: &mut App, store: &mut Store, id: &str) -> anyhow::Result<()> {
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
    if !recovery.pending.is_empty() {
        app.warn(format!(
            "{}{}",
            lang.pick(
                "上次未保存的评语所属评分已提交或已截止,评语已保留,撤回重评后即恢复:",
                "Comments from the last session wait until their review is reopened: "
            ),
            recovery.pending.join(lang.pick("、", ", "))
        ));
    }
    Ok(())
}

fn open_review(app: &mut App, store: &mut Store, id: &str) -> anyhow::Result<()> {
    let (Some(member), Some(round)) = (app.member.clone(), app.round.clone()) else {
        return Ok(());
    };
    let call = data::call_of(store, &round)?;
    let keep = app
        .review
        .as_ref()
        .filter(|f| f.app.id == id)
        .map(|f| (f.focus, f.tab, f.scroll));
    let mut form = data::review_form(store, &call, &round, &member, id, app.lang)?;
    if let Some((focus, tab, scroll)) = keep {
        // The call may have changed underneath (fewer sections or criteria).
        form.set_focus(focus);
        form.tab = tab.min(form.tabs.len().saturating_sub(1));
        form.scroll = scroll;
    }
    app.queue.select_app(id);
    let revisit = app
        .queue
        .rows
        .iter()
        .find(|r| r.app_id == id)
        .and_then(|r| r.revisit.clone());
    app.review = Some(form);
    app.screen = Screen::Review;
    if let Some(note) = revisit {
        let text = format!(
            "{}{}",
            app.lang.pick(
                "秘书请您复核此项评分",
                "The secretary asks you to revisit this review"
            ),
            if note.trim().is_empty() {
                String::new()
            } else {
                format!(":{}", crate::text::sanitize(&note))
            }
        );
        app.warn(text);
    }
    Ok(())
}

/// Reloads after another process changed the database (or a write was
/// refused): the queue, and the open form unless a comment is being typed.
pub fn reload(app: &mut App, store: &mut Store) {
    if app.secretary.is_some()
        && let Err(e) = load_secretary(app, store)
    {
        app.error(e);
    }
    if app.screen == Screen::Timeline
        && let Some(id) = app
            .timeline
            .as_ref()
            .map(|t| t.timeline.applicant.id.clone())
    {
        match crate::timeline::build_in(store, &id, app.member.as_ref(), app.lang) {
            Ok(t) => {
                if let Some(state) = &mut app.timeline {
                    state.replace(t);
                }
            }
            Err(e) => {
                // e.g. a conflict declared meanwhile: nothing of it stays on screen.
                app.screen = app.timeline.take().map_or(Screen::Queue, |t| t.back);
                app.error(e.to_string());
            }
        }
    }
    let (Some(member), Some(round)) = (app.member.clone(), app.round.clone()) else {
        return;
    };
    let result = (|| -> anyhow::Result<()> {
        let round = store.round(&round.id)?.unwrap_or(round);
        app.round = Some(round.clone());
        let call = data::call_of(store, &round)?;
        let rows = data::queue_rows(store, &call, &round, &member, app.lang)?;
        app.queue.replace_rows(rows);
        if app.editor.is_none()
            && let Some(id) = app.review.as_ref().map(|f| f.app.id.clone())
        {
            let input = app.review.as_ref().and_then(|f| f.input.clone());
            if let Err(e) = open_review(app, store, &id) {
                // e.g. a conflict declared meanwhile: nothing of it stays on screen.
                app.review = None;
                app.screen = Screen::Queue;
                return Err(e);
            }
            if let Some(form) = &mut app.review {
                form.input = input.filter(|_| !form.submitted());
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        app.error(e.to_string());
    }
}

/// Mouse: click selects (and opens what is already selected), the wheel
/// scrolls whatever is under the pointer.
pub fn mouse(app: &mut App, m: MouseEvent, area: Rect) -> Vec<Effect> {
    if app.popup.is_some() || app.editor.is_some() {
        return Vec::new();
    }
    let body = layout::frame(area).body;
    let inside = |r: Rect| {
        m.column >= r.x && m.column < r.x + r.width && m.row >= r.y && m.row < r.y + r.height
    };
    match app.screen {
        Screen::Matrix | Screen::List | Screen::Search | Screen::Timeline => {
            match m.kind {
                MouseEventKind::ScrollDown => return app.act(keymap::Action::Down),
                MouseEventKind::ScrollUp => return app.act(keymap::Action::Up),
                _ => {}
            }
            Vec::new()
        }
        Screen::Picker => match m.kind {
            MouseEventKind::ScrollDown => app.act(keymap::Action::Down),
            MouseEventKind::ScrollUp => app.act(keymap::Action::Up),
            MouseEventKind::Down(MouseButton::Left) if m.row > body.y => {
                // List rows start inside the border; clicks map to rows only
                // while the whole list fits (it does not scroll then).
                let idx = (m.row - body.y - 1) as usize;
                let visible = body.height.saturating_sub(2) as usize;
                if idx < app.picker.members.len() && app.picker.members.len() <= visible {
                    if idx == app.picker.selected {
                        return app.act(keymap::Action::Open);
                    }
                    app.picker.selected = idx;
                }
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::Queue => {
            let q = layout::queue(body);
            match m.kind {
                MouseEventKind::ScrollDown => app.queue.move_by(3),
                MouseEventKind::ScrollUp => app.queue.move_by(-3),
                MouseEventKind::Down(MouseButton::Left) if inside(q.rows) => {
                    let pos = app.queue.offset + (m.row - q.rows.y) as usize;
                    if pos < app.queue.visible.len() {
                        if pos == app.queue.selected {
                            return app.open_selected();
                        }
                        app.queue.selected = pos;
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Screen::Review => {
            let r = layout::review(body, app.split, app.pane == Pane::Material);
            let over_material = r.material.is_some_and(inside);
            let over_scoring = r.scoring.is_some_and(inside);
            let over_notes = match (r.scoring, &app.review) {
                (Some(rect), Some(form)) => {
                    let inner = ratatui::widgets::Block::bordered().inner(rect);
                    let [_, notes] = view::scoring::split(form, inner);
                    inside(notes)
                }
                _ => false,
            };
            let Some(form) = &mut app.review else {
                return Vec::new();
            };
            match m.kind {
                MouseEventKind::ScrollDown if over_material => form.scroll += 3,
                MouseEventKind::ScrollUp if over_material => {
                    form.scroll = form.scroll.saturating_sub(3)
                }
                MouseEventKind::ScrollDown if over_notes => form.detail_scroll += 2,
                MouseEventKind::ScrollUp if over_notes => {
                    form.detail_scroll = form.detail_scroll.saturating_sub(2)
                }
                MouseEventKind::ScrollDown if over_scoring => form.set_focus(form.focus + 1),
                MouseEventKind::ScrollUp if over_scoring => {
                    form.set_focus(form.focus.saturating_sub(1))
                }
                MouseEventKind::Down(MouseButton::Left) if over_scoring => {
                    let top = layout::criteria_top(r.scoring.expect("over scoring"));
                    if m.row >= top {
                        let idx = (m.row - top) as usize;
                        if idx <= form.overall_row() {
                            form.set_focus(idx);
                        }
                    }
                }
                _ => {}
            }
            Vec::new()
        }
    }
}

/// Writes the comment in `$VISUAL`/`$EDITOR` (falling back to vi), with the
/// terminal handed over to it meanwhile.
fn external_editor(
    app: &mut App,
    store: &mut Store,
    terminal: &mut ratatui::DefaultTerminal,
    criterion: String,
    text: String,
) -> anyhow::Result<()> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let file = tempfile::Builder::new()
        .prefix("jury-comment-")
        .suffix(".txt")
        .tempfile()?;
    std::fs::write(file.path(), &text)?;
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status();
    *terminal = enter_terminal()?;
    terminal.clear()?;
    match status {
        Ok(s) if s.success() => {
            let new_text = std::fs::read_to_string(file.path())?;
            let new_text = crate::text::sanitize(new_text.trim_end_matches('\n'));
            if let Some(form) = &mut app.review {
                match form.criteria.iter().position(|c| c.id == criterion) {
                    Some(i) => form.comments[i] = new_text.clone(),
                    None => form.overall = new_text.clone(),
                }
            }
            perform(
                app,
                store,
                Effect::CommitComment {
                    criterion,
                    text: new_text,
                },
            );
        }
        Ok(s) => app.warn(format!(
            "{editor}: {s}; {}",
            app.lang.pick("评语未更改。", "comment unchanged.")
        )),
        Err(e) => app.error(format!("{editor}: {e}")),
    }
    Ok(())
}
