//! Seven reviewer processes and a secretary on one database (a file, or a
//! PostgreSQL server), writing at once: no lost update, no "database is
//! locked", the chain intact.
//!
//! The sample panel has six reviewers and three of them have submitted
//! everything, so the test adds seven fresh reviewers (r1..r7) with their own
//! assignments. Seven reviewer threads then each import their score sheets
//! one by one, one `jury import` process per sheet (one application, the six
//! criteria of the selection rubric, submitted), while a secretary thread
//! marks applications discussed with a note, one `jury discuss` process after
//! another: eight writing processes at any moment. In all 42 processes
//! (35 imports, 7 discussions) write 210 scores, 35 submissions and 7
//! discussion marks with notes. Afterwards every write is read back.
//! Nothing here depends on timing: on a loaded machine the processes just
//! wait longer for the lock.

mod common;
use common::*;
use std::process::Output;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Instant;

const ROUND: &str = "sel-2016";
const REVIEWERS: usize = 7;
const SHEETS_PER_REVIEWER: usize = 5;

/// The selection rubric's criteria with their maximum, the same for every
/// tier (sample-data/call.toml).
const CRITERIA: [(&str, f64); 6] = [
    ("base", 25.0),
    ("features", 10.0),
    ("approach", 20.0),
    ("targets", 10.0),
    ("investment", 20.0),
    ("safeguards", 15.0),
];

/// Applications of round sel-2016 (all three tiers, eligible or not).
const APPS: [&str; 14] = [
    "cluster-changlijin",
    "cluster-changzhutan",
    "county-cili",
    "county-liuyang",
    "county-miluo",
    "county-shaodong",
    "county-xiangxiang",
    "town-anhua-jiangnan",
    "town-huayuan-biancheng",
    "town-jianghua-taoxu",
    "town-liuyang-dayao",
    "town-shimen-hupingshan",
    "town-xinhua-shuiche",
    "town-youxian-wangling",
];

/// The applications the secretary marks discussed meanwhile (none from
/// 长沙, which m01 is recused from and may not decide on).
const DISCUSSED: [&str; 7] = [
    "county-miluo",
    "county-shaodong",
    "county-cili",
    "town-anhua-jiangnan",
    "county-xiangxiang",
    "cluster-changzhutan",
    "town-huayuan-biancheng",
];

fn reviewer(k: usize) -> String {
    format!("r{}", k + 1)
}

/// Reviewer k's applications: a window over APPS, so that neighbouring
/// reviewers score the same applications and write the same tables' rows
/// next to each other.
fn assigned(k: usize) -> Vec<&'static str> {
    (0..SHEETS_PER_REVIEWER)
        .map(|j| APPS[(2 * k + j) % APPS.len()])
        .collect()
}

/// The value reviewer k gives criterion c of their j-th application: within
/// 0..=max and different per reviewer and per sheet, so a write landing in
/// the wrong row (or an older one winning) shows.
fn value(k: usize, j: usize, max: f64) -> f64 {
    max - 0.5 * k as f64 - 0.25 * j as f64
}

/// The extra panel: seven reviewers without a home prefecture (so no derived
/// recusals) and their assignments in round sel-2016.
fn panel_toml() -> String {
    let mut t = String::from("kind = \"panel\"\n");
    for k in 0..REVIEWERS {
        t.push_str(&format!(
            "\n[[members]]\nid = \"{id}\"\nname = \"并发评审{n}\"\nname_en = \"Concurrent reviewer {n}\"\n\
             department = \"测试\"\nroles = [\"reviewer\"]\n",
            id = reviewer(k),
            n = k + 1,
        ));
    }
    for k in 0..REVIEWERS {
        let apps: Vec<String> = assigned(k).iter().map(|a| format!("\"{a}\"")).collect();
        t.push_str(&format!(
            "\n[[assignments]]\nround = \"{ROUND}\"\nmember = \"{}\"\napplications = [{}]\n",
            reviewer(k),
            apps.join(", ")
        ));
    }
    t
}

/// Runs jury and notes when the process ran, to report how many overlapped.
fn timed(db: &std::path::Path, args: &[&str], spans: &Mutex<Vec<(Instant, Instant)>>) -> Output {
    let start = Instant::now();
    let out = jury(db, args);
    spans.lock().unwrap().push((start, Instant::now()));
    out
}

/// The most processes that ran at one moment.
fn most_at_once(spans: &[(Instant, Instant)]) -> usize {
    let mut edges: Vec<(Instant, i32)> =
        spans.iter().flat_map(|&(a, b)| [(a, 1), (b, -1)]).collect();
    edges.sort();
    let (mut now, mut most) = (0, 0);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    most as usize
}

/// Fails on an unsuccessful run and on any mention of a locked database.
fn assert_clean(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        stdout(out),
        stderr(out)
    );
    for text in [stdout(out), stderr(out)] {
        assert!(
            !text.to_lowercase().contains("locked"),
            "{what} showed a locked database: {text}"
        );
    }
}

on_both_engines!(a_panel_writing_at_once_loses_nothing);

fn a_panel_writing_at_once_loses_nothing(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let panel = dir.path().join("extra-panel.toml");
    std::fs::write(&panel, panel_toml()).unwrap();
    assert_clean(
        "panel import",
        &jury(&db, &["import", panel.to_str().unwrap()]),
    );
    for k in 0..REVIEWERS {
        assert!(assigned(k).len() >= 4);
    }

    // Every sheet is written before anyone starts, so the processes start
    // as close together as threads allow.
    let mut sheets: Vec<Vec<(String, std::path::PathBuf)>> = Vec::new();
    for k in 0..REVIEWERS {
        let member = reviewer(k);
        let mut mine = Vec::new();
        for (j, app) in assigned(k).into_iter().enumerate() {
            let mut text = String::from("round,member,application,criterion,value,status\n");
            for (c, max) in CRITERIA {
                text.push_str(&format!(
                    "{ROUND},{member},{app},{c},{},submitted\n",
                    value(k, j, max)
                ));
            }
            let path = dir.path().join(format!("{member}-{app}.csv"));
            std::fs::write(&path, text).unwrap();
            mine.push((app.to_string(), path));
        }
        sheets.push(mine);
    }

    let start = Arc::new(Barrier::new(REVIEWERS + 1));
    let spans = Arc::new(Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for (k, mine) in sheets.into_iter().enumerate() {
        let (db, start, spans) = (db.clone(), Arc::clone(&start), Arc::clone(&spans));
        handles.push(std::thread::spawn(move || {
            let member = reviewer(k);
            start.wait();
            for (app, sheet) in mine {
                let out = timed(
                    &db,
                    &["--as", &member, "import", sheet.to_str().unwrap()],
                    &spans,
                );
                assert_clean(&format!("{member} importing {app}"), &out);
            }
        }));
    }
    {
        let (db, start, spans) = (db.clone(), Arc::clone(&start), Arc::clone(&spans));
        handles.push(std::thread::spawn(move || {
            start.wait();
            for app in DISCUSSED {
                let note = format!("并发测试:{app}");
                let out = timed(
                    &db,
                    &["--as", "m01", "discuss", app, "--note", &note],
                    &spans,
                );
                assert_clean(&format!("discuss {app}"), &out);
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }

    // Every score, read back from the command line's view.
    let status = json(&jury(&db, &["status", "--json"]));
    let round = status["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == ROUND)
        .unwrap();
    let reviews = round["reviews"].as_array().unwrap();
    let mut scores = 0;
    for k in 0..REVIEWERS {
        let member = reviewer(k);
        for (j, app) in assigned(k).into_iter().enumerate() {
            let r = reviews
                .iter()
                .find(|r| r["member"] == member.as_str() && r["application"] == app)
                .unwrap_or_else(|| panic!("{member} {app} lost"));
            assert_eq!(r["status"], "submitted", "{member} {app}: {r}");
            for (c, max) in CRITERIA {
                assert_eq!(
                    r["scores"][c].as_f64(),
                    Some(value(k, j, max)),
                    "{member} {app} {c}: {r}"
                );
                scores += 1;
            }
        }
    }

    // Every discussion, and every write in the log under its writer's name.
    let store = jury::store::Store::open(&db).unwrap();
    let deliberations = store.deliberations(ROUND).unwrap();
    for app in DISCUSSED {
        let (discussed, note) = deliberations
            .get(app)
            .unwrap_or_else(|| panic!("the discussion of {app} lost: {deliberations:?}"));
        assert!(discussed, "{app} not marked discussed");
        assert_eq!(note, &format!("并发测试:{app}"), "{app}");
    }
    drop(store);
    for k in 0..REVIEWERS {
        let member = reviewer(k);
        let logged = sql_i64(
            &db,
            &format!(
                "SELECT count(*) FROM audit_log WHERE entity = 'score' AND actor = '{member}'"
            ),
        );
        assert_eq!(
            logged as usize,
            SHEETS_PER_REVIEWER * CRITERIA.len(),
            "score changes logged for {member}"
        );
    }
    let out = jury(&db, &["verify"]);
    assert!(
        out.status.success(),
        "verify: {}{}",
        stdout(&out),
        stderr(&out)
    );

    let spans = spans.lock().unwrap();
    let processes = spans.len();
    assert_eq!(processes, REVIEWERS * SHEETS_PER_REVIEWER + DISCUSSED.len());
    eprintln!(
        "{processes} processes from {} writers at once ({REVIEWERS} reviewers and a secretary; \
         at most {} ran at one moment): {scores} scores in {} submitted reviews and {} \
         discussions with notes, none lost",
        REVIEWERS + 1,
        most_at_once(&spans),
        REVIEWERS * SHEETS_PER_REVIEWER,
        DISCUSSED.len()
    );
    assert_eq!(scores, 210, "7 reviewers × 5 sheets × 6 criteria");
}
