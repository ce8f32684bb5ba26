//! Keystroke-to-frame latency with 10,000 applications in the queue.
//!
//!     cargo bench --bench keystroke
//!     JURY_TEST_PG=postgres://postgres@127.0.0.1/postgres cargo bench --bench keystroke
//!
//! The second also runs every case on a fresh PostgreSQL database on that
//! server, after the SQLite file, so the engines can be read side by side.
//!
//! Queue navigation: handle the key, then draw a full 120×40 frame into a
//! TestBackend. Score entry: the same, plus the real database write the key
//! causes (a committed, audited SQLite transaction in WAL mode).
//! Prints p50/p95/p99/max per case; the goal is p99 under 4 ms.

use jury::base::i18n::Lang;
use jury::domain::Assignment;
use jury::store::Store;
use jury::tui::app::{App, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::time::{Duration, Instant};

const APPLICATIONS: usize = 10_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<32} n={:<5} p50={:.3} ms  p95={:.3} ms  p99={:.3} ms  max={:.3} ms",
        samples.len(),
        ms(percentile(&samples, 0.50)),
        ms(percentile(&samples, 0.95)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap()),
    );
}

fn press(app: &mut App, store: &mut Store, code: KeyCode) {
    for e in app.handle_key(KeyEvent::new(code, KeyModifiers::NONE)) {
        jury::tui::perform(app, store, e);
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    println!("== SQLite (a WAL file)");
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    setup(&mut store);
    measure(store);
    if let Ok(admin) = std::env::var("JURY_TEST_PG") {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        for as_member in [false, true] {
            let name = format!("jury_bench_{}_{}", std::process::id(), u8::from(as_member));
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let url = std::path::PathBuf::from(format!("{base}/{name}"));
            let mut store = Store::open(&url).unwrap();
            setup(&mut store);
            if as_member {
                // The reviewer signs in as their own role: every read and
                // write goes through the row-level policies.
                println!("== PostgreSQL, as member m06's own role (row-level security)");
                store.init_server().unwrap();
                store.sync_roles(&[]).unwrap();
                drop(store);
                let (scheme, rest) = base.split_once("://").unwrap();
                let host = rest.split_once('@').map_or(rest, |(_, h)| h);
                let member = format!("{scheme}://{name}_m06@{host}/{name}");
                measure(Store::open(std::path::Path::new(&member)).unwrap());
            } else {
                println!("== PostgreSQL (a local server, as its administrator)");
                measure(store);
            }
            client
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .unwrap();
            let roles: Vec<String> = client
                .query(
                    "SELECT rolname::text FROM pg_roles WHERE rolname LIKE $1",
                    &[&format!("{name}\\_%")],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            for r in roles {
                client.batch_execute(&format!("DROP ROLE \"{r}\"")).unwrap();
            }
        }
    } else {
        println!("(PostgreSQL skipped: set JURY_TEST_PG to a URL that may create databases)");
    }
}

/// The sample, and 10,000 more applications in m06's queue.
fn setup(store: &mut Store) {
    jury::panel::sample::load(store, "bench").unwrap();

    // 10,000 applications assigned to one reviewer: copies of the sample
    // applications under new ids (m06 is not from these prefectures... except
    // 怀化, whose copies show as recused, as in a real queue).
    let t0 = Instant::now();
    let templates = store.applications("hunan-2016").unwrap();
    store
        .write("bench", true, |w| {
            for i in 0..APPLICATIONS {
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
    println!(
        "setup: {APPLICATIONS} applications in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
}

/// Sign-in, queue navigation, filtering and score entry as m06.
fn measure(mut store: Store) {
    let area = Rect::new(0, 0, 120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut app = jury::tui::build_app(&store, Lang::Zh, Some("dark"), None).unwrap();
    let t0 = Instant::now();
    jury::tui::perform(&mut app, &mut store, Effect::SignIn("m06".into()));
    println!(
        "sign-in (load {} queue rows): {:.1} ms",
        app.queue.rows.len(),
        t0.elapsed().as_secs_f64() * 1000.0
    );
    assert!(app.queue.rows.len() > APPLICATIONS);
    jury::tui::fit(&mut app, area);

    // Warm up.
    for _ in 0..50 {
        press(&mut app, &mut store, KeyCode::Down);
        terminal.draw(|f| jury::tui::view::draw(f, &app)).unwrap();
    }

    let mut samples = Vec::new();
    for i in 0..3000 {
        let code = match i % 100 {
            0..=59 => KeyCode::Down,
            60..=79 => KeyCode::Up,
            80..=89 => KeyCode::PageDown,
            _ => KeyCode::PageUp,
        };
        let t = Instant::now();
        press(&mut app, &mut store, code);
        jury::tui::fit(&mut app, area);
        terminal.draw(|f| jury::tui::view::draw(f, &app)).unwrap();
        samples.push(t.elapsed());
    }
    report("queue navigation (key+frame)", samples);

    let mut samples = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        press(&mut app, &mut store, KeyCode::Char('t'));
        jury::tui::fit(&mut app, area);
        terminal.draw(|f| jury::tui::view::draw(f, &app)).unwrap();
        samples.push(t.elapsed());
    }
    report("queue filter by tier (10k rows)", samples);

    // Score entry on an application in the middle of the queue.
    press(&mut app, &mut store, KeyCode::Char('x'));
    app.queue.select_app("county-miluo-05012");
    press(&mut app, &mut store, KeyCode::Enter);
    assert!(app.review.is_some(), "{:?}", app.message);
    let mut samples = Vec::new();
    let keys = ['1', '2', '.', '5'];
    for i in 0..1000 {
        let code = if i % 5 == 4 {
            KeyCode::Down
        } else {
            KeyCode::Char(keys[i % 5])
        };
        if i % 30 == 29 {
            // Back to the first criterion now and then.
            for _ in 0..6 {
                press(&mut app, &mut store, KeyCode::Up);
            }
        }
        let t = Instant::now();
        press(&mut app, &mut store, code);
        jury::tui::fit(&mut app, area);
        terminal.draw(|f| jury::tui::view::draw(f, &app)).unwrap();
        samples.push(t.elapsed());
        if let Some(form) = &mut app.review {
            form.input = None;
        }
    }
    assert!(
        app.message.is_none()
            || !matches!(
                app.message.as_ref().unwrap().level,
                jury::tui::app::Level::Error
            )
    );
    report("score entry (key+DB commit+frame)", samples);
}
