//! What the benchmarks share: percentiles, whole-process timing, databases
//! made on a PostgreSQL server (`JURY_TEST_PG`) and dropped after, and the
//! queue's costs for one reviewer (sign-in, navigation, filter, entry).
#![allow(dead_code)] // each bench uses its part

use jury::base::i18n::Lang;
use jury::domain::Assignment;
use jury::store::Store;
use jury::tui::app::{App, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The `p` quantile of sorted samples, in ms.
pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// The median of `runs` runs of `f`, in ms.
pub fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    pct(&times, 0.5)
}

/// Runs `jury --db DB ARGS…` to the end; panics when it fails.
pub fn jury_process(db: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_jury"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("JURY_DB")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A whole process's peak memory in MB, through GNU time when it is
/// installed (None otherwise).
pub fn peak_mb(program: &str, args: &[&str], stdin: Option<&Path>) -> Option<f64> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%M"]).arg(program).args(args);
    if let Some(p) = stdin {
        cmd.stdin(std::fs::File::open(p).ok()?);
    }
    let out = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = text.lines().last()?.trim().parse().ok()?;
    Some(kb / 1024.0)
}

/// Databases made on the server `JURY_TEST_PG` names, dropped (with the
/// roles made for them) when this goes.
pub struct Server {
    admin: String,
    client: postgres::Client,
    made: Vec<String>,
}

impl Server {
    /// None when `JURY_TEST_PG` names no server (the caller says so).
    pub fn from_env() -> Option<Server> {
        let admin = std::env::var("JURY_TEST_PG").ok()?;
        let client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        Some(Server {
            admin,
            client,
            made: Vec::new(),
        })
    }

    /// A new empty database: its name and URL.
    pub fn database(&mut self, tag: &str) -> (String, PathBuf) {
        let name = format!("jury_bench_{}_{tag}", std::process::id());
        self.client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        self.made.push(name.clone());
        (
            name.clone(),
            PathBuf::from(format!("{}/{name}", self.base())),
        )
    }

    /// The URL of `role` on database `name` (trust authentication).
    pub fn as_role(&self, name: &str, role: &str) -> PathBuf {
        let (scheme, rest) = self.base().split_once("://").unwrap();
        let host = rest.split_once('@').map_or(rest, |(_, h)| h);
        PathBuf::from(format!("{scheme}://{role}@{host}/{name}"))
    }

    fn base(&self) -> &str {
        self.admin
            .rsplit_once('/')
            .map_or(self.admin.as_str(), |(b, _)| b)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for name in std::mem::take(&mut self.made) {
            let _ = self
                .client
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            let roles: Vec<String> = self
                .client
                .query(
                    "SELECT rolname::text FROM pg_roles WHERE rolname LIKE $1",
                    &[&format!("{name}\\_%")],
                )
                .map(|rows| rows.iter().map(|r| r.get(0)).collect())
                .unwrap_or_default();
            for r in roles {
                let _ = self.client.batch_execute(&format!("DROP ROLE \"{r}\""));
            }
        }
    }
}

/// The sample, and `n` more applications in m06's queue: copies of the
/// sample's under new ids (the copies of 怀化's show as recused, as in a
/// real queue).
pub fn with_applications(store: &mut Store, n: usize) {
    jury::panel::sample::load(store, "bench").unwrap();
    let templates = store.applications("hunan-2016").unwrap();
    store
        .write("bench", true, |w| {
            for i in 0..n {
                let mut app = templates[i % templates.len()].clone();
                app.id = format!("{}-{i:05}", app.id);
                app.name = format!("{}{i}", app.name);
                w.put_application(&app)?;
                w.put_assignment(&Assignment {
                    round: "sel-2016".into(),
                    member: "m06".into(),
                    application: app.id,
                })?;
            }
            Ok(())
        })
        .unwrap();
}

pub fn press(app: &mut App, store: &mut Store, code: KeyCode) {
    for e in app.handle_key(KeyEvent::new(code, KeyModifiers::NONE)) {
        jury::tui::perform(app, store, e);
    }
}

/// What m06 meets in the queue: the sign-in, and each case's samples
/// (key, any write it causes, a full 120×40 frame).
pub struct QueueCosts {
    pub sign_in: Duration,
    pub rows: usize,
    pub navigation: Vec<Duration>,
    pub filter: Vec<Duration>,
    pub entry: Vec<Duration>,
}

impl QueueCosts {
    /// Measures with `scale` as many keys as the keystroke bench's (1.0).
    pub fn measure(mut store: Store, scale: f64) -> QueueCosts {
        let keys = |n: usize| ((n as f64 * scale) as usize).max(20);
        let area = Rect::new(0, 0, 120, 40);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut app = jury::tui::build_app(&store, Lang::Zh, Some("dark"), None).unwrap();
        let t0 = Instant::now();
        jury::tui::perform(&mut app, &mut store, Effect::SignIn("m06".into()));
        let sign_in = t0.elapsed();
        let rows = app.queue.rows.len();
        jury::tui::fit(&mut app, area);
        let mut frame = |app: &mut App, store: &mut Store, code: KeyCode| {
            let t = Instant::now();
            press(app, store, code);
            jury::tui::fit(app, area);
            terminal.draw(|f| jury::tui::view::draw(f, app)).unwrap();
            t.elapsed()
        };
        // Warm up.
        for _ in 0..50 {
            frame(&mut app, &mut store, KeyCode::Down);
        }
        let navigation = (0..keys(3000))
            .map(|i| {
                let code = match i % 100 {
                    0..=59 => KeyCode::Down,
                    60..=79 => KeyCode::Up,
                    80..=89 => KeyCode::PageDown,
                    _ => KeyCode::PageUp,
                };
                frame(&mut app, &mut store, code)
            })
            .collect();
        let filter = (0..keys(300))
            .map(|_| frame(&mut app, &mut store, KeyCode::Char('t')))
            .collect();
        // Score entry on a copy in the middle of the queue that m06 is not
        // recused from (and has not scored).
        press(&mut app, &mut store, KeyCode::Char('x'));
        let middle = app.queue.rows[rows / 2..]
            .iter()
            .chain(&app.queue.rows)
            .find(|r| {
                r.status != jury::tui::queue::MyStatus::Recused
                    && r.app_id.rsplit('-').next().is_some_and(|n| n.len() == 5)
            })
            .expect("a copy m06 may score")
            .app_id
            .clone();
        app.queue.select_app(&middle);
        press(&mut app, &mut store, KeyCode::Enter);
        assert!(app.review.is_some(), "{:?}", app.message);
        let digits = ['1', '2', '.', '5'];
        let mut entry = Vec::new();
        for i in 0..keys(1000) {
            let code = if i % 5 == 4 {
                KeyCode::Down
            } else {
                KeyCode::Char(digits[i % 5])
            };
            if i % 30 == 29 {
                // Back to the first criterion now and then.
                for _ in 0..6 {
                    press(&mut app, &mut store, KeyCode::Up);
                }
            }
            entry.push(frame(&mut app, &mut store, code));
            if let Some(form) = &mut app.review {
                form.input = None;
            }
        }
        assert!(
            !app.message
                .as_ref()
                .is_some_and(|m| matches!(m.level, jury::tui::app::Level::Error)),
            "{:?}",
            app.message
        );
        let mut costs = QueueCosts {
            sign_in,
            rows,
            navigation,
            filter,
            entry,
        };
        costs.navigation.sort();
        costs.filter.sort();
        costs.entry.sort();
        costs
    }
}

/// How long the real binary, started in a 120×40 pseudo-terminal as
/// `jury --db DB --lang en ARGS…`, takes until its screen shows `text`;
/// then it is asked to quit with `q`.
pub fn first_frame(db: &Path, args: &[&str], text: &str) -> Duration {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_jury"));
    cmd.arg("--db");
    cmd.arg(db);
    cmd.args(["--lang", "en"]);
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env_remove("JURY_DB");
    let t = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let size = |n: u16| std::num::NonZeroU16::new(n).expect("not zero");
    let mut parser = vt100::Parser::new(size(40), size(120), 0);
    let mut buf = [0u8; 8192];
    let shown = loop {
        let n = reader.read(&mut buf).unwrap_or(0);
        assert!(n > 0, "jury ended before showing {text:?}");
        parser.process(&buf[..n]);
        if parser.screen().contents().contains(text) {
            break t.elapsed();
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "no {text:?} within a minute:\n{}",
            parser.screen().contents()
        );
    };
    writer.write_all(b"q").unwrap();
    // Drain until it exits, so that the terminal's end is not a hang.
    std::thread::spawn(move || while reader.read(&mut buf).unwrap_or(0) > 0 {});
    child.wait().unwrap();
    shown
}
