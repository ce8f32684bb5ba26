//! kill -9 at random moments during imports, bulk writes, finalising and
//! scoring in the terminal interface: afterwards `jury verify` passes, every
//! acknowledged change is present, and finalising happened entirely or not
//! at all.
//!
//! `cargo test` runs a short loop; `JURY_KILLS=50 cargo test --test crash`
//! runs the long one (CI runs it too, see .ci/run).

mod common;
use common::pty::{DOWN, ENTER, Tui};
use common::*;
use std::collections::BTreeMap;

use std::path::Path;
use std::process::{Command, Stdio};

use std::thread;
use std::time::{Duration, Instant};

fn kills() -> usize {
    std::env::var("JURY_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

/// A deterministic pause in 0..max ms for kill number `i`.
fn pause(i: usize, max: u64) -> Duration {
    Duration::from_millis((i as u64 * 7919 + 104_729) % max.max(1))
}

fn spawn(db: &std::path::Path, args: &[&str]) -> std::process::Child {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .env_remove("JURY_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

on_both_engines!(
    killed_writers_leave_a_verifiable_database_with_every_acknowledged_change,
    finalising_is_all_or_nothing_under_kill,
    killed_while_scoring_in_the_terminal_keeps_every_value_it_showed,
);

fn killed_writers_leave_a_verifiable_database_with_every_acknowledged_change(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let n = kills();
    let mut killed = 0;
    // Per application, the values written to m06's base score in order,
    // each with whether it was acknowledged (its process exited successfully).
    let mut written: BTreeMap<&str, Vec<(f64, bool)>> = BTreeMap::new();
    for i in 0..n {
        // Alternate: a bulk synthetic load, and a score sheet.
        let (mut child, app) = if i % 2 == 0 {
            let child = spawn(
                &db,
                &[
                    "gen-data",
                    "--decisions",
                    "3000",
                    "--seed",
                    &(i + 1).to_string(),
                ],
            );
            (child, None)
        } else {
            let app = [
                "county-miluo",
                "county-shaodong",
                "county-cili",
                "county-xiangxiang",
            ][i / 2 % 4];
            let value = 10.0 + (i % 10) as f64;
            let sheet = dir.path().join(format!("k{i}.csv"));
            std::fs::write(
                &sheet,
                format!(
                    "round,member,application,criterion,value\nsel-2016,m06,{app},base,{value}\n"
                ),
            )
            .unwrap();
            let child = spawn(&db, &["import", sheet.to_str().unwrap()]);
            written.entry(app).or_default().push((value, true));
            (child, Some(app))
        };
        std::thread::sleep(pause(i, 250));
        match child.try_wait().unwrap() {
            Some(status) => assert!(status.success(), "run {i} failed on its own"),
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                killed += 1;
                if let Some(app) = app {
                    // Never acknowledged, though it may have committed just
                    // before the kill.
                    written.get_mut(app).unwrap().last_mut().unwrap().1 = false;
                }
            }
        }
        let out = jury(&db, &["verify"]);
        assert!(out.status.success(), "after kill {i}: {}", stdout(&out));
    }
    eprintln!("{n} runs, {killed} killed mid-write");
    // Every acknowledged score is there: the last acknowledged value per
    // application, unless a later import that was killed had committed.
    let status = json(&jury(&db, &["status", "--json"]));
    let reviews = status["rounds"][0]["reviews"].as_array().unwrap();
    let mut killed_but_committed = 0;
    for (app, values) in written {
        let Some(acked) = values.iter().rposition(|(_, ok)| *ok) else {
            continue;
        };
        let allowed: Vec<f64> = values[acked..].iter().map(|(v, _)| *v).collect();
        let r = reviews
            .iter()
            .find(|r| r["member"] == "m06" && r["application"] == app)
            .unwrap_or_else(|| panic!("m06's review of {app} lost"));
        let stored = r["scores"]["base"].as_f64().unwrap();
        assert!(
            allowed.contains(&stored),
            "{app}: base {stored}; acknowledged {}, then {:?} (killed)",
            allowed[0],
            &allowed[1..]
        );
        killed_but_committed += usize::from(stored != allowed[0]);
    }
    eprintln!("{killed_but_committed} application(s) hold a killed import's committed value");
}

/// A round's state and how many decisions it has.
fn round_state(db: &Path, round: &str) -> (String, i64) {
    (
        sql_text(
            db,
            &format!("SELECT state FROM rounds WHERE id = '{round}'"),
        )
        .unwrap(),
        sql_i64(
            db,
            &format!("SELECT count(*) FROM decisions WHERE round_id = '{round}'"),
        ),
    )
}

fn finalising_is_all_or_nothing_under_kill(engine: Engine) {
    // The demo with every review complete, its current round moved on to
    // deliberation: ready to finalise.
    let Some(place) = place(engine) else {
        return;
    };
    let template = place.db.clone();
    assert!(jury(&template, &["demo", "--complete"]).status.success());
    assert!(
        jury(&template, &["--as", "m01", "advance"])
            .status
            .success()
    );
    let round = sql_text(
        &template,
        "SELECT id FROM rounds WHERE state = 'deliberation'",
    )
    .expect("one round in deliberation");
    // What finalising makes when nothing interrupts it.
    let (whole, _kept) = copy_of(&place, "whole");
    let started = Instant::now();
    let out = jury(&whole, &["--as", "m01", "finalise", "--round", &round]);
    // Starting up takes the first part of a run, writing the last: the
    // kills spread from halfway to a little past its end.
    let whole_ms = (started.elapsed().as_millis() as u64).max(20);
    let window = whole_ms * 6 / 10;
    assert!(out.status.success(), "finalise: {}", stderr(&out));
    let (state, all) = round_state(&whole, &round);
    assert!(state == "finalised" && all > 0, "{round}: {state}, {all}");

    let runs = kills().div_ceil(2);
    let (mut killed, mut finalised) = (0, 0);
    for i in 0..runs {
        let (db, _kept) = copy_of(&place, &format!("f{i}"));
        let mut child = spawn(&db, &["--as", "m01", "finalise", "--round", &round]);
        std::thread::sleep(Duration::from_millis(whole_ms / 2) + pause(i, window));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
        assert!(jury(&db, &["verify"]).status.success(), "run {i}: verify");
        let (state, decisions) = round_state(&db, &round);
        assert!(
            (state == "finalised" && decisions == all)
                || (state == "deliberation" && decisions == 0),
            "run {i}: {round} {state} with {decisions} decisions (finalising makes {all})"
        );
        finalised += usize::from(decisions > 0);
    }
    eprintln!(
        "{runs} finalisings of {round} ({all} decisions) killed {} to {} ms in: \
         {killed} before they ended, {finalised} finalised in whole, the rest not at all",
        whole_ms / 2,
        whole_ms / 2 + window
    );
}

// ------------------------------------------------------------ the terminal

const TUI_WAIT: Duration = Duration::from_secs(20);

/// The criteria of every tier in round sel-2016 in screen order: id, the
/// start of the English name the row shows, and the value typed (as in
/// tests/e2e_pty.rs).
const TYPED: [(&str, &str, &str); 6] = [
    ("base", "Development base", "20"),
    ("features", "Strengths and", "8"),
    ("approach", "Reform approach", "15"),
    ("targets", "Main targets", "8"),
    ("investment", "Key tasks", "16"),
    ("safeguards", "Safeguards", "12"),
];

/// One keystroke of the scoring and what follows from it.
struct Step {
    key: &'static str,
    /// The focused criterion once the key is handled.
    focus: usize,
    /// The text in the focused cell once the key is handled (none right
    /// after moving to a criterion).
    typed: Option<String>,
    /// The values stored once the key is handled: every digit is committed
    /// as typed ("2" then "20").
    values: [Option<f64>; 6],
}

impl Step {
    /// The screen shows this keystroke handled: the focused row is its
    /// criterion with its text, and the total counts every value. The app
    /// commits a keystroke's value before it draws again, so a value on the
    /// screen is a value in the database.
    fn shown(&self, screen: &str) -> bool {
        let total = format!("total {:.1}/100", self.values.iter().flatten().sum::<f64>());
        let name = TYPED[self.focus].1;
        let row = |l: &&str| match &self.typed {
            Some(t) => l.contains(&format!("[{t}▏]")),
            None => !l.contains('▏'),
        };
        screen.contains(&total)
            && screen
                .lines()
                .filter(|l| l.contains('▶') && l.contains(name))
                .any(|l| row(&l))
    }
}

/// Every keystroke that scores the six criteria, moving down between them.
fn scoring_steps() -> Vec<Step> {
    let mut steps = Vec::new();
    let mut values = [None; 6];
    for (i, (_, _, value)) in TYPED.iter().enumerate() {
        if i > 0 {
            steps.push(Step {
                key: DOWN,
                focus: i,
                typed: None,
                values,
            });
        }
        for end in 1..=value.len() {
            let typed = &value[..end];
            values[i] = Some(typed.parse().unwrap());
            steps.push(Step {
                key: &value[end - 1..end],
                focus: i,
                typed: Some(typed.to_string()),
                values,
            });
        }
    }
    steps
}

/// The newest step in `after+1..=upto` that the screen shows, else `after`.
fn newest_shown(steps: &[Step], after: Option<usize>, upto: usize, screen: &str) -> Option<usize> {
    let from = after.map_or(0, |a| a + 1);
    (from..=upto)
        .rev()
        .find(|&s| steps[s].shown(screen))
        .or(after)
}

/// m06's stored values in round sel-2016, by criterion; panics if m06 has
/// scores on more than one application (only one was opened).
fn stored_values(db: &Path) -> [Option<f64>; 6] {
    let rows: Vec<(String, String, Option<f64>)> = sql_rows(
        db,
        "SELECT application_id, criterion_id, CAST(value AS TEXT) FROM scores
         WHERE round_id = 'sel-2016' AND member_id = 'm06'",
    )
    .into_iter()
    .map(|r| {
        (
            r[0].clone().unwrap(),
            r[1].clone().unwrap(),
            r[2].as_deref().map(|v| v.parse().unwrap()),
        )
    })
    .collect();
    let mut apps: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    apps.dedup();
    assert!(apps.len() <= 1, "m06 scored one application: {rows:?}");
    let mut values = [None; 6];
    for (_, criterion, value) in &rows {
        let i = TYPED
            .iter()
            .position(|(id, _, _)| id == criterion)
            .unwrap_or_else(|| panic!("unexpected criterion {criterion}: {rows:?}"));
        values[i] = *value;
    }
    values
}

/// kill -9 while a reviewer types scores in the terminal. The moment is a
/// keystroke and a delay after it (from `pause`), so it lands mid-scoring
/// however loaded the machine is. Even runs wait for each keystroke to show
/// before the next; odd runs type ahead every 5 ms, so the app may handle
/// several keys before it draws.
/// Afterwards the database holds exactly the values after some keystroke:
/// not before the last one the screen showed (nothing acknowledged is lost),
/// not after the last one sent (nothing invented); and `jury verify` passes.
fn killed_while_scoring_in_the_terminal_keeps_every_value_it_showed(engine: Engine) {
    let Some((place, _)) = sample_on(engine) else {
        return;
    };
    let runs = if std::env::var_os("JURY_KILLS").is_some() {
        kills()
    } else {
        (kills() / 4).max(2)
    };
    let steps = scoring_steps();
    let empty = [None; 6];
    // Each keystroke has a slot of this many ms on the kill timeline.
    const SLOT: u64 = 40;
    // How the kills landed, for the report.
    let (mut mid_scoring, mut digit_in_flight, mut lost_in_flight, mut unseen, mut checked) =
        (0, 0, 0, 0, 0);
    for i in 0..runs {
        let (db, _kept) = copy_of(&place, &format!("tui{i}"));
        let paced = i % 2 == 0;
        let at = pause(i, steps.len() as u64 * SLOT).as_millis() as u64;
        let last = (at / SLOT) as usize;
        // Within 0..10 ms of the keystroke: a keystroke takes the app a few
        // ms to commit and draw, so the kill lands before, between and after.
        let delay = Duration::from_micros(at % SLOT * 250);

        let mut tui = Tui::start(&db, &["--as", "m06"]);
        tui.wait_for("My queue");
        tui.write(ENTER);
        tui.wait_for("Scoring · not started");
        // The last step the screen was seen to show.
        let mut shown: Option<usize> = None;
        for (s, step) in steps[..=last].iter().enumerate() {
            tui.write(step.key);
            if s == last {
                break;
            }
            if paced {
                tui.wait_until(&format!("keystroke {s} of run {i}"), TUI_WAIT, |screen| {
                    step.shown(screen)
                });
                shown = Some(s);
            } else {
                thread::sleep(Duration::from_millis(5));
                shown = newest_shown(&steps, shown, s, &tui.screen());
            }
        }
        thread::sleep(delay);
        tui.kill_hard();
        // What it drew before it died counts too: each frame was drawn
        // after the writes it shows were committed.
        shown = newest_shown(&steps, shown, last, &tui.screen());
        let screen = tui.screen();
        drop(tui);

        let out = jury(&db, &["verify"]);
        assert!(
            out.status.success(),
            "run {i}: verify after the kill: {}{}",
            stdout(&out),
            stderr(&out)
        );
        let stored = stored_values(&db);
        let from = shown.unwrap_or(0);
        let matches = |s: usize| steps[s].values == stored;
        let landed = (from..=last).rev().find(|&s| matches(s)).or_else(|| {
            // Nothing shown yet: nothing stored is fine too.
            (shown.is_none() && stored == empty).then_some(usize::MAX)
        });
        let Some(landed) = landed else {
            panic!(
                "run {i} ({}; killed {delay:?} after keystroke {last} of {}): the database holds \
                 {stored:?}, but the screen had shown step {shown:?} = {:?}\nthe last screen:\n{screen}",
                if paced { "paced" } else { "typing ahead" },
                steps.len(),
                shown.map(|s| steps[s].values)
            );
        };
        checked += shown.map_or(0, |s| steps[s].values.iter().flatten().count());
        if stored != steps[steps.len() - 1].values {
            mid_scoring += 1;
        }
        if steps[last].typed.is_some() {
            digit_in_flight += 1;
            if landed != last {
                lost_in_flight += 1; // killed before it committed: never acknowledged
            } else if shown != Some(last) {
                unseen += 1; // committed, killed before the frame showing it
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }
    eprintln!(
        "{runs} terminal sessions killed while scoring ({} keystrokes score all six): \
         {mid_scoring} before the last value was stored; of {digit_in_flight} kills just \
         after a digit, {lost_in_flight} came before it was committed and {unseen} after it \
         was committed but before it was drawn; {checked} acknowledged values found",
        steps.len()
    );
}
