//! kill -9 at random moments during imports, bulk writes and finalising:
//! afterwards `jury verify` passes, every acknowledged change is present,
//! and finalising happened entirely or not at all.
//!
//! `cargo test` runs a short loop; `JURY_KILLS=50 cargo test --test crash`
//! runs the long one (CI runs it too, see .ci/run).

mod common;
use common::*;
use std::process::{Command, Stdio};
use std::time::Duration;

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

#[test]
fn killed_writers_leave_a_verifiable_database_with_every_acknowledged_change() {
    let (dir, db) = sample_db();
    let n = kills();
    let mut killed = 0;
    let mut acknowledged: Vec<(String, f64)> = Vec::new();
    for i in 0..n {
        // Alternate: a bulk synthetic load, and a score sheet.
        let mut child = if i % 2 == 0 {
            spawn(
                &db,
                &[
                    "gen-data",
                    "--decisions",
                    "3000",
                    "--seed",
                    &(i + 1).to_string(),
                ],
            )
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
            acknowledged.push((app.to_string(), value));
            child
        };
        std::thread::sleep(pause(i, 250));
        match child.try_wait().unwrap() {
            Some(status) => assert!(status.success(), "run {i} failed on its own"),
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                killed += 1;
                if i % 2 == 1 {
                    acknowledged.pop(); // never acknowledged
                }
            }
        }
        let out = jury(&db, &["verify"]);
        assert!(out.status.success(), "after kill {i}: {}", stdout(&out));
    }
    eprintln!("{n} runs, {killed} killed mid-write");
    // Every acknowledged score is there (the last write per application wins).
    let status = json(&jury(&db, &["status", "--json"]));
    let reviews = status["rounds"][0]["reviews"].as_array().unwrap();
    let mut last = std::collections::BTreeMap::new();
    for (app, v) in acknowledged {
        last.insert(app, v);
    }
    for (app, v) in last {
        let r = reviews
            .iter()
            .find(|r| r["member"] == "m06" && r["application"] == app.as_str())
            .unwrap();
        assert_eq!(r["scores"]["base"].as_f64().unwrap(), v, "{app}");
    }
}

#[test]
fn finalising_is_all_or_nothing_under_kill() {
    for i in 0..kills().div_ceil(2) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.db");
        assert!(jury(&db, &["demo", "--complete"]).status.success());
        assert!(jury(&db, &["advance"]).status.success());
        let mut child = spawn(&db, &["finalise"]);
        std::thread::sleep(pause(i, 120));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
        }
        child.wait().unwrap();
        assert!(jury(&db, &["verify"]).status.success());
        let conn = rusqlite::Connection::open(&db).unwrap();
        let decisions: i64 = conn
            .query_row("SELECT count(*) FROM decisions", [], |r| r.get(0))
            .unwrap();
        let state: String = conn
            .query_row("SELECT state FROM rounds WHERE id = 'sel-2016'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(
            (state == "finalised" && decisions == 36)
                || (state == "deliberation" && decisions == 0),
            "run {i}: state {state} with {decisions} decisions"
        );
    }
}
