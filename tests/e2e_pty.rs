//! End-to-end tests of the terminal interface: the real binary in a
//! pseudo-terminal of 120x40, driven by keystrokes, its screen read back
//! through a vt100 parser, and the database checked afterwards.

mod common;

use common::{BIN, json, jury, sample_db, stderr, stdout};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const WAIT: Duration = Duration::from_secs(10);
const PAUSE: Duration = Duration::from_millis(60);

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const DOWN: &str = "\x1b[B";

/// The criteria of every tier in round sel-2016, in screen order, with the
/// values the tests type.
const VALUES: [(&str, &str); 6] = [
    ("base", "20"),
    ("features", "8"),
    ("approach", "15"),
    ("targets", "8"),
    ("investment", "16"),
    ("safeguards", "12"),
];

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size is not zero")
}

/// The real `jury` binary running in a pseudo-terminal.
struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    reader: Option<JoinHandle<()>>,
    _master: Box<dyn MasterPty + Send>,
    /// The configuration directory the app reads (kept empty: default keys).
    _home: tempfile::TempDir,
}

impl Tui {
    /// Starts `jury --db DB --lang en ARGS` in a fresh 120x40 terminal.
    fn start(db: &Path, args: &[&str]) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let home = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.args(["--lang", "en"]);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("LC_ALL", "en_US.UTF-8");
        // A user's keymap.toml or theme must not change the keys under test.
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        for var in [
            "JURY_DB",
            "JURY_THEME",
            "JURY_TEST_PANIC",
            "VISUAL",
            "EDITOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.cwd(home.path());
        let child = pty.slave.spawn_command(cmd).expect("spawn jury");
        // Only the child holds the slave now, so the reader sees EOF when it exits.
        drop(pty.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            nonzero(ROWS),
            nonzero(COLS),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let reader = {
            let (parser, raw) = (Arc::clone(&parser), Arc::clone(&raw));
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            parser.lock().unwrap().process(&buf[..n]);
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                    }
                }
            })
        };
        let writer = pty.master.take_writer().expect("pty writer");
        Tui {
            parser,
            raw,
            writer,
            child,
            reader: Some(reader),
            _master: pty.master,
            _home: home,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; panics with the screen otherwise.
    fn wait_for(&self, text: &str) {
        self.wait_until(text, WAIT, |s| s.contains(text));
    }

    /// Waits until `ok` holds for the screen's text.
    fn wait_until(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return;
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what:?}; the screen:\n{screen}");
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends keys (bytes as a terminal sends them), then pauses briefly.
    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().unwrap();
        thread::sleep(PAUSE);
    }

    /// Sends each character as its own keystroke.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// Waits for the process to end on its own; returns its exit status.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.join_reader();
                return status;
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!(
                    "jury did not exit within {WAIT:?}; the screen:\n{}",
                    self.screen()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the process with SIGKILL: no destructor, no terminal restore.
    fn kill_hard(&mut self) {
        let pid = self.child.process_id().expect("child pid");
        let out = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .output()
            .expect("run kill");
        assert!(out.status.success(), "kill -KILL {pid}: {}", stderr(&out));
        let status = self.child.wait().expect("wait for the killed child");
        assert!(!status.success(), "a killed process exits unsuccessfully");
        self.join_reader();
    }

    /// Lets the reader drain what the process wrote before it ended.
    fn join_reader(&mut self) {
        if let Some(handle) = self.reader.take() {
            let start = Instant::now();
            while !handle.is_finished() && start.elapsed() < Duration::from_secs(3) {
                thread::sleep(Duration::from_millis(10));
            }
            if handle.is_finished() {
                handle.join().expect("reader thread");
            }
        }
    }

    /// After the process ended: the terminal is back on the main screen,
    /// with the cursor shown and mouse capture and bracketed paste off.
    fn assert_terminal_restored(&self) {
        let raw = self.raw.lock().unwrap();
        let leave = b"\x1b[?1049l";
        assert!(
            raw.windows(leave.len()).any(|w| w == leave),
            "the output never left the alternate screen"
        );
        let enter = b"\x1b[?1049h";
        let last_enter = raw.windows(enter.len()).rposition(|w| w == enter);
        let last_leave = raw.windows(leave.len()).rposition(|w| w == leave);
        assert!(
            last_leave > last_enter,
            "the alternate screen was entered again after it was left"
        );
        let parser = self.parser.lock().unwrap();
        assert!(
            !parser.screen().alternate_screen(),
            "still on the alternate screen at the end"
        );
        assert!(
            !parser.screen().hide_cursor(),
            "the cursor is still hidden at the end"
        );
        assert_eq!(
            parser.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture is still on at the end"
        );
        assert!(
            !parser.screen().bracketed_paste(),
            "bracketed paste is still on at the end"
        );
    }

    /// Types values into consecutive criteria from the focused one, moving
    /// down between them; waits until the screen shows each as taken (the
    /// focused row shows the typed text and the total includes it: the
    /// write is performed before the screen is drawn again).
    fn type_values(&mut self, values: &[(&str, &str)]) {
        let mut sum = 0.0;
        for (i, (criterion, v)) in values.iter().enumerate() {
            if i > 0 {
                self.send(DOWN);
            }
            self.type_text(v);
            sum += v.parse::<f64>().unwrap();
            let typed = format!("[{v}▏]");
            let total = format!("total {sum:.1}/100");
            self.wait_until(&format!("{criterion} = {v}, {total}"), WAIT, |s| {
                s.contains(&total) && s.lines().any(|l| l.contains('▶') && l.contains(&typed))
            });
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        // A failed test must not leave a process behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `jury status --json`: m06's review of an application, if any.
fn review_of(db: &Path, app: &str) -> Option<serde_json::Value> {
    let status = json(&jury(db, &["status", "--json"]));
    let rounds = status["rounds"].as_array().expect("rounds");
    let round = rounds
        .iter()
        .find(|r| r["id"] == "sel-2016")
        .expect("round sel-2016");
    round["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .find(|r| r["member"] == "m06" && r["application"] == app)
        .cloned()
}

fn assert_verifies(db: &Path) {
    let out = jury(db, &["verify"]);
    assert!(
        out.status.success(),
        "jury verify failed:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The id of the application whose review is open, read from the database:
/// the only (round, m06, application) with scores.
fn scored_application(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT DISTINCT application_id FROM scores WHERE member_id = 'm06'")
        .unwrap();
    let apps: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        apps.len(),
        1,
        "m06 scored exactly one application: {apps:?}"
    );
    apps.into_iter().next().unwrap()
}

/// The "Submitted ███░░ N/M" progress of the queue: (N, M).
fn progress(screen: &str) -> Option<(u32, u32)> {
    let line = screen
        .lines()
        .find(|l| l.trim_start().starts_with("Submitted"))?;
    let rest = line.trim_start().strip_prefix("Submitted")?;
    let rest = rest.trim_start_matches([' ', '█', '░']);
    let fraction = rest.split_whitespace().next()?;
    let (done, all) = fraction.split_once('/')?;
    Some((done.parse().ok()?, all.parse().ok()?))
}

/// A queue row's "submitted" status (a prefix, robust to column width).
const SUBMITTED: &str = "submitt";

/// The queue row of an application, by its English name.
fn queue_row<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.trim_start_matches(['│', '▶', ' ']).starts_with(name))
}

#[test]
fn picks_a_member_scores_an_application_and_quits() {
    let (_dir, db) = sample_db();
    let mut tui = Tui::start(&db, &[]);
    tui.wait_for("Who are you?");
    tui.wait_for("Tan Weidong");
    for _ in 0..5 {
        tui.send(DOWN);
    }
    tui.wait_until("the picker on Tan Weidong", WAIT, |s| {
        s.lines()
            .any(|l| l.contains('▶') && l.contains("Tan Weidong"))
    });
    tui.send(ENTER);
    tui.wait_for("My queue");
    tui.wait_until("queue progress", WAIT, |s| progress(s).is_some());
    let (done, all) = progress(&tui.screen()).unwrap();
    assert_eq!(done, 0, "m06 has submitted nothing");

    tui.send(ENTER);
    tui.wait_for("Scoring · not started");
    tui.type_values(&VALUES);
    tui.wait_for("Scoring · draft (saved) · total 79.0/100");
    tui.send("S");
    tui.wait_for("Submit?");
    tui.send("y");
    tui.wait_for("Scoring · submitted · total 79.0/100");
    tui.wait_for("Submitted.");
    // Back in the queue, the row and the progress show the submission.
    tui.send(ESC);
    tui.wait_until(&format!("Submitted 1/{all}"), WAIT, |s| {
        progress(s) == Some((1, all))
    });
    let screen = tui.screen();
    let row = screen
        .lines()
        .find(|l| l.contains('▶'))
        .expect("a selected row");
    assert!(
        row.contains(SUBMITTED) && row.contains("79.0"),
        "the selected row shows the submission:\n{screen}"
    );
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "jury exited with {status:?}");
    tui.assert_terminal_restored();

    let app = scored_application(&db);
    let review = review_of(&db, &app).expect("m06's review in status --json");
    assert_eq!(review["status"], "submitted", "{review}");
    assert_eq!(review["total_of_100"].as_f64(), Some(79.0), "{review}");
    for (criterion, value) in VALUES {
        assert_eq!(
            review["scores"][criterion].as_f64(),
            Some(value.parse::<f64>().unwrap()),
            "{criterion} in {review}"
        );
    }
    assert_verifies(&db);
}

#[test]
fn killed_mid_edit_loses_nothing() {
    const COMMENT: &str = "园区支撑有力";
    let (_dir, db) = sample_db();
    let mut tui = Tui::start(&db, &["--as", "m06"]);
    tui.wait_for("My queue");
    tui.send(ENTER);
    tui.wait_for("Scoring · not started");
    tui.type_values(&VALUES[..3]);
    // The comment editor on the third criterion, typed into and left open.
    tui.send(ENTER);
    tui.wait_for("Esc / Ctrl-S save and close");
    tui.type_text(COMMENT);
    // Drawn after the last keystroke's buffer was saved.
    tui.wait_for(COMMENT);
    tui.kill_hard();

    // Before the restart the comment is only in the edit buffer.
    let app = scored_application(&db);
    let (criterion, _) = VALUES[2];
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let buffered: String = conn
            .query_row(
                "SELECT text FROM edit_buffers WHERE member_id = 'm06'
                 AND application_id = ?1 AND criterion_id = ?2",
                [&app, criterion],
                |r| r.get(0),
            )
            .expect("the comment being typed is in edit_buffers");
        assert_eq!(buffered, COMMENT);
        let comment: Option<String> = conn
            .query_row(
                "SELECT comment FROM scores WHERE member_id = 'm06'
                 AND application_id = ?1 AND criterion_id = ?2",
                [&app, criterion],
                |r| r.get(0),
            )
            .unwrap();
        assert_ne!(comment.as_deref(), Some(COMMENT), "not committed yet");
    }

    let mut tui = Tui::start(&db, &["--as", "m06"]);
    tui.wait_for("Recovered 1 comment(s) from the last session.");
    // The first row is the application scored before the kill.
    tui.send(ENTER);
    tui.wait_for("Scoring · draft (saved) · total 43.0/100");
    tui.send(DOWN);
    tui.send(DOWN);
    tui.wait_for(COMMENT);
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "jury exited with {status:?}");
    tui.assert_terminal_restored();

    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT criterion_id, value, comment FROM scores
                 WHERE round_id = 'sel-2016' AND member_id = 'm06' AND application_id = ?1",
            )
            .unwrap();
        let rows: Vec<(String, Option<f64>, Option<String>)> = stmt
            .query_map([&app], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let row = |id: &str| {
            rows.iter()
                .find(|r| r.0 == id)
                .unwrap_or_else(|| panic!("no score row for {id}: {rows:?}"))
        };
        for (criterion, value) in &VALUES[..3] {
            assert_eq!(row(criterion).1, Some(value.parse().unwrap()), "{rows:?}");
        }
        assert_eq!(row(criterion).2.as_deref(), Some(COMMENT), "{rows:?}");
        let buffers: i64 = conn
            .query_row("SELECT count(*) FROM edit_buffers", [], |r| r.get(0))
            .unwrap();
        assert_eq!(buffers, 0, "the recovered buffer is gone");
    }

    let review = review_of(&db, &app).expect("m06's review");
    assert_eq!(review["status"], "draft", "{review}");
    assert_verifies(&db);
}

#[test]
fn screen_refreshes_when_another_process_writes() {
    let (dir, db) = sample_db();
    let mut tui = Tui::start(&db, &["--as", "m06"]);
    tui.wait_for("My queue");
    tui.wait_until("queue progress", WAIT, |s| progress(s).is_some());
    let screen = tui.screen();
    let (done, all) = progress(&screen).unwrap();
    assert_eq!(done, 0, "m06 has submitted nothing yet");
    assert!(all > 1, "m06 has several applications: {all}");
    let miluo = queue_row(&screen, "Miluo").expect("Miluo in m06's queue");
    assert!(!miluo.contains(SUBMITTED), "{miluo}");

    let mut sheet = String::from("round,member,application,criterion,value,comment,status\n");
    for (criterion, value) in VALUES {
        sheet.push_str(&format!(
            "sel-2016,m06,county-miluo,{criterion},{value},,submitted\n"
        ));
    }
    let path = dir.path().join("sheet.csv");
    std::fs::write(&path, sheet).unwrap();
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(out.status.success(), "import: {}", stderr(&out));

    // No key is pressed: the poll of the database must redraw the queue.
    tui.wait_until(
        &format!("Submitted 1/{all} and Miluo submitted"),
        Duration::from_secs(3),
        |s| {
            progress(s) == Some((1, all))
                && queue_row(s, "Miluo").is_some_and(|r| r.contains(SUBMITTED))
        },
    );
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "jury exited with {status:?}");
    tui.assert_terminal_restored();
    assert_eq!(
        review_of(&db, "county-miluo").expect("m06's review")["status"],
        "submitted"
    );
    assert_verifies(&db);
}

/// The done-when of the annual assessments, driven as the secretary would:
/// on the demo data with every review in, the 2019 round goes from the
/// matrix to the list (汨罗市 proposed for exit, 湘乡市 promoted: 宁乡县, the better
/// reserve, is passed over for the 长沙 cap), to
/// deliberation, to finalised, is exported, and 汨罗市's timeline shows the
/// history.
#[test]
fn the_secretary_runs_the_2019_assessment_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = jury(&db, &["demo", "--complete"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut tui = Tui::start(&db, &["--as", "m01"]);
    tui.wait_for("2019 annual assessment");
    tui.send("\t");
    tui.wait_for("exits");
    tui.wait_for("promoted");
    tui.send("A");
    tui.wait_for("Advance the round?");
    tui.send("y");
    tui.wait_for("deliberation");
    tui.send("F");
    tui.wait_for("Finalise?");
    tui.send("y");
    tui.wait_for("finalised");
    tui.send("e");
    tui.wait_for("Exported:");
    // 汨罗市 is the seventh county line: 浏阳市, which the secretary is
    // recused from, sits masked at the end of the tier.
    for _ in 0..9 {
        tui.send(DOWN);
    }
    tui.send("h");
    tui.wait_for("2017 annual assessment");
    let screen = tui.screen();
    assert!(
        screen.contains("Miluo") && screen.contains("exits"),
        "{screen}"
    );
    assert!(
        screen.contains("2018-09-30"),
        "the 2017 warning's deadline:\n{screen}"
    );
    tui.send(ESC);
    tui.send("q");
    assert!(tui.wait_exit().success());

    let store = jury::store::Store::open(&db).unwrap();
    let decisions = store.decisions("asm-2019").unwrap();
    assert_eq!(decisions.len(), 20);
    let outcome = |app: &str| {
        decisions
            .iter()
            .find(|d| d.application == app)
            .and_then(|d| d.outcome)
    };
    assert_eq!(outcome("county-miluo"), Some(jury::domain::Outcome::Exited));
    assert_eq!(
        outcome("county-xiangxiang"),
        Some(jury::domain::Outcome::Promoted)
    );
    drop(store);
    // The exports landed in the working directory (the test's home).
    assert_verifies(&db);
}
