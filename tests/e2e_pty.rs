//! End-to-end tests of the terminal interface: the real binary in a
//! pseudo-terminal of 120x40, driven by keystrokes, its screen read back
//! through a vt100 parser, and the database checked afterwards.

mod common;

use common::pty::*;
use common::{json, jury, sample_db, stderr, stdout};
use std::path::Path;
use std::time::Duration;

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
    tui.wait_for("Scoring · submitted, read-only · total 79.0/100");
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
    // The buffer is saved within a quarter second of typing; the footer
    // says "kept" only once it is (a frame with the whole comment and
    // "kept" is drawn after the last keystroke's save).
    tui.wait_until("the comment, kept", WAIT, |s| {
        s.contains(COMMENT) && s.contains("save and close · kept")
    });
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
    let screen = tui.wait_until("queue progress", WAIT, |s| {
        progress(s).is_some() && queue_row(s, "Miluo").is_some()
    });
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
    // The 2017 warning's deadline: waited for, as a loaded machine may
    // deliver the frame in more than one read.
    tui.wait_for("2018-09-30");
    let screen = tui.screen();
    assert!(
        screen.contains("Miluo") && screen.contains("exits"),
        "{screen}"
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

/// m06's stored comments in the selection round, any criterion.
fn comments(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT comment FROM scores WHERE round_id = 'sel-2016' AND member_id = 'm06'
             AND comment <> ''",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Finding 6: ~5,000 characters arriving at once, as a terminal without
/// bracketed paste (or mosh, or screen) delivers a paste: every one is
/// taken, and the Esc after them closes the editor and commits them. With
/// crossterm's edge-triggered mio source the input stalled after the
/// first kilobyte until the next key.
#[test]
fn a_large_paste_without_bracketed_paste_is_taken_whole() {
    let (_dir, db) = sample_db();
    let mut tui = Tui::start(&db, &["--as", "m06"]);
    tui.wait_for("My queue");
    tui.send(ENTER);
    tui.wait_for("Scoring · not started");
    tui.send(ENTER);
    tui.wait_for("Esc / Ctrl-S save and close");
    let text: String = "产城融合综合试点评审意见 abc, "
        .chars()
        .cycle()
        .take(5_000)
        .collect();
    tui.write(&text);
    tui.write(ESC);
    let start = std::time::Instant::now();
    while !comments(&db).contains(&text) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the paste was not all stored: {} characters in the database\n{}",
            comments(&db)
                .iter()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0),
            tui.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "5,000 characters typed at once, committed after {:?}",
        start.elapsed()
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
    tui.assert_terminal_restored();
    assert_verifies(&db);
}

/// An `$EDITOR` for the tests: a shell script doing `body` to the file.
fn editor_script(dir: &Path, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("editor.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// Findings 2 and 3: an editor that saves GBK is decoded, and the session
/// goes on although this terminal (the vt100 parser) never answers a
/// cursor-position query.
#[test]
fn an_external_editor_saving_gbk_is_decoded_and_the_session_goes_on() {
    let (dir, db) = sample_db();
    let (gbk, _, _) = encoding_rs::GBK.encode("评审意见:基础扎实");
    let gbk_file = dir.path().join("gbk.txt");
    std::fs::write(&gbk_file, &gbk).unwrap();
    let editor = editor_script(dir.path(), &format!("cp '{}' \"$1\"", gbk_file.display()));
    let mut tui = Tui::start_with(&db, &["--as", "m06"], &[("EDITOR", &editor)]);
    tui.wait_for("My queue");
    tui.send(ENTER);
    tui.wait_for("Scoring · not started");
    tui.send("E");
    tui.wait_for("评审意见:基础扎实");
    assert!(tui.alive(), "the session goes on");
    assert_eq!(comments(&db), ["评审意见:基础扎实"]);
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "jury exited with {status:?}");
    tui.assert_terminal_restored();
}

/// Finding 3: an editor that removes its file leaves the comment as it
/// was, with a message, and the session goes on.
#[test]
fn an_external_editor_that_removes_the_file_changes_nothing() {
    let (dir, db) = sample_db();
    let editor = editor_script(dir.path(), "rm -f \"$1\"");
    let mut tui = Tui::start_with(&db, &["--as", "m06"], &[("EDITOR", &editor)]);
    tui.wait_for("My queue");
    tui.send(ENTER);
    tui.wait_for("Scoring · not started");
    tui.send("E");
    tui.wait_for("the comment is unchanged");
    assert!(tui.alive(), "the session goes on");
    tui.type_text("7");
    tui.wait_for("[7▏]");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "jury exited with {status:?}");
    tui.assert_terminal_restored();
    assert!(comments(&db).is_empty());
}
