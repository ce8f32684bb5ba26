//! The leak probe's findings (shared/research/findings-visibility.md), each
//! reproduced as its probe ran it and shown closed: what a member may not
//! read stays unread through score sheets, z-scores, rationales, reasons,
//! discussion notes, a second role, a reopen, recusal facts, imports,
//! `verify`, and the file itself.
//!
//! Who is recused from what in the sample: m01 (secretary, 长沙) from
//! 浏阳市, 宁乡县 and 大瑶镇; m05 from 岳阳's applications (汨罗市 among
//! them); m06 from 怀化's (新晃波洲镇 among them); m07 (reviewer and
//! secretary) from 醴陵, 攸县网岭 and, declared, 长株潭.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const CHANGSHA: [&str; 3] = ["county-liuyang", "county-ningxiang", "town-liuyang-dayao"];

/// A database made by `jury demo ARGS` in a fresh place on `engine`; None
/// when the PostgreSQL half is skipped.
fn demo(engine: Engine, args: &[&str]) -> Option<(Place, PathBuf)> {
    let dir = place(engine)?;
    let db = dir.db.clone();
    let mut a = vec!["demo"];
    a.extend_from_slice(args);
    let out = jury(&db, &a);
    assert!(out.status.success(), "{}", stderr(&out));
    Some((dir, db))
}

/// One statement behind jury's back, as the database's administrator, on
/// either engine; it must change some row.
fn sql(db: &Path, statement: &str) {
    assert!(
        sql_execute(db, statement) > 0,
        "{statement} changed nothing"
    );
}

fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    json(out)
}

/// `jury --db DB --lang en ARGS` with environment variables.
fn jury_env(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = std::process::Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .env_remove("JURY_DB")
        .env_remove("JURY_PASSPHRASE")
        .env_remove("JURY_NEW_PASSPHRASE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

on_both_engines!(
    another_members_score_sheet_leaves_out_what_the_exporter_may_not_read,
    no_figure_a_recused_secretary_sees_moves_when_a_hidden_score_does,
    rationales_name_no_rank_and_no_application_hidden_from_the_reader,
    list_reasons_never_name_an_application_hidden_from_the_secretary,
    discussion_notes_and_marks_are_hidden_from_the_recused,
    a_reviewer_who_is_also_secretary_reads_others_only_after_their_own,
    a_reviewer_who_has_seen_the_others_cannot_reopen_alone,
    nobody_lifts_their_own_recusal,
    a_secretary_enters_paper_sheets_only_for_what_they_may_read_and_is_named,
    a_locked_panel_needs_every_members_passphrase,
    verify_shows_no_value_of_a_row_the_reader_is_recused_from,
    the_audit_head_on_an_export_anchors_the_history,
);

// ------------------------------------------------------------------ H1

fn another_members_score_sheet_leaves_out_what_the_exporter_may_not_read(engine: Engine) {
    let Some((dir, db)) = demo(engine, &["--stage", "selection"]) else {
        return;
    };
    let out = dir.path().join("m02.csv");
    let o = jury(
        &db,
        &[
            "--as",
            "m01",
            "export",
            "--score-sheet",
            "--member",
            "m02",
            "--out",
        ],
    );
    assert!(!o.status.success(), "--out is required");
    let run = |who: &str, member: &str, round: Option<&str>, file: &Path| {
        let mut args = vec!["--as", who, "export", "--score-sheet", "--member", member];
        if let Some(r) = round {
            args.extend(["--round", r]);
        }
        args.extend(["--out", file.to_str().unwrap()]);
        let o = jury(&db, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(file).unwrap()
    };
    let sheet = run("m01", "m02", None, &out);
    assert!(sheet.contains("cluster-changzhutan"), "the rest is there");
    for app in CHANGSHA {
        assert!(!sheet.contains(app), "m01 is recused from {app}:\n{sheet}");
    }
    // The sheet ends with the audit chain's head, which import skips.
    assert!(sheet.contains("审计链头"), "{sheet}");
    // m07 is recused from 长株潭 (declared) and reviews the rest blind:
    // nothing of m02's that m07 reviews and has not submitted.
    let m07 = run("m07", "m02", None, &dir.path().join("m07.csv"));
    assert!(!m07.contains("cluster-changzhutan"), "{m07}");
    assert!(!m07.contains("county-liling"), "{m07}");
    // m02's own sheet is whole.
    let own = run("m02", "m02", None, &dir.path().join("own.csv"));
    assert!(own.contains("county-liuyang") && own.contains("cluster-changzhutan"));
}

// ------------------------------------------------------------------ H2

/// Per row: application, aggregate, rank, z rank.
type ZRow = (String, Value, Value, Value);

/// The rows, reviewer statistics and α of m01's z-score matrix.
fn z_view(db: &Path) -> (Vec<ZRow>, Value, Value) {
    let m = ok_json(&jury(
        db,
        &["--as", "m01", "matrix", "--method", "z_score", "--json"],
    ));
    let rows = m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["app"].as_str().unwrap().to_string(),
                r["aggregate"].clone(),
                r["rank"].clone(),
                r["adjusted_rank"].clone(),
            )
        })
        .collect();
    (rows, m["reviewer_stats"].clone(), m["alpha"].clone())
}

fn no_figure_a_recused_secretary_sees_moves_when_a_hidden_score_does(engine: Engine) {
    let Some((dir, _db)) = demo(engine, &["--stage", "selection", "--complete"]) else {
        return;
    };
    let (a, _a) = copy_of(&dir, "a");
    let (b, _b) = copy_of(&dir, "b");
    sql(
        &b,
        "UPDATE scores SET value = value - 10 WHERE member_id = 'm02'
         AND application_id = 'county-ningxiang' AND criterion_id = 'base'",
    );
    let (rows_a, stats_a, alpha_a) = z_view(&a);
    let (rows_b, stats_b, alpha_b) = z_view(&b);
    assert_eq!(
        rows_a, rows_b,
        "z-score aggregates and ranks of visible rows"
    );
    assert_eq!(stats_a, stats_b);
    assert_eq!(alpha_a, alpha_b);
    let visible = rows_a.iter().filter(|r| !r.1.is_null()).count();
    assert!(visible >= 30, "the visible rows keep their aggregates");
    // The list's z-score figures rest on every total: withheld from m01.
    let p = ok_json(&jury(
        &a,
        &["--as", "m01", "propose", "--method", "z_score", "--json"],
    ));
    let scores: Vec<&Value> = p["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["lines"].as_array().unwrap())
        .map(|l| &l["score"])
        .collect();
    assert!(scores.iter().all(|s| s.is_null()), "{scores:?}");
    // The operator (nothing hidden) still sees the true figures, which the
    // edit does move: the comparison above could fail.
    let op = |db: &Path| {
        ok_json(&jury(db, &["matrix", "--method", "z_score", "--json"]))["rows"].clone()
    };
    assert_ne!(op(&a), op(&b));
}

// ------------------------------------------------------------------ H3, M1

fn search(db: &Path, who: Option<&str>, q: &str) -> Vec<Value> {
    let mut args = vec![];
    if let Some(w) = who {
        args.extend(["--as", w]);
    }
    args.extend(["search", q, "--json", "--limit", "200"]);
    ok_json(&jury(db, &args))["results"]
        .as_array()
        .unwrap()
        .clone()
}

fn rationales_name_no_rank_and_no_application_hidden_from_the_reader(engine: Engine) {
    let Some((dir, db)) = demo(engine, &["--complete"]) else {
        return;
    };
    // The 2019 assessment finalised: the current round.
    for step in ["advance", "finalise"] {
        let o = jury(&db, &["--as", "m01", step]);
        assert!(o.status.success(), "{step}: {}", stderr(&o));
    }
    let store = jury::store::Store::open(&db).unwrap();
    let d = store.decisions("sel-2016").unwrap();
    assert!(
        d.iter().all(|d| d.facts.is_some()),
        "decisions keep their facts structured"
    );
    drop(store);
    // The operator reads ranks in the 2016 towns...
    let all = search(&db, None, "round:2016年试点申报评审 tier:镇");
    assert!(
        all.iter()
            .any(|h| h["rationale"].as_str().unwrap().contains("层级内第"))
    );
    // ...m06, recused from 新晃波洲镇, reads none in that tier.
    let m06 = search(&db, Some("m06"), "round:2016年试点申报评审 tier:镇");
    assert!(m06.len() >= 10);
    for h in &m06 {
        assert!(
            !h["rationale"].as_str().unwrap().contains("层级内第"),
            "{h}"
        );
        assert!(h["rank"].is_null(), "{h}");
    }
    // m05, recused from 汨罗市, is not told that 湘乡市 took its place.
    let m05 = search(&db, Some("m05"), "湘乡");
    let xx = m05
        .iter()
        .find(|h| h["id"] == "asm-2019/county-xiangxiang")
        .expect("湘乡市's 2019 decision");
    assert_eq!(xx["outcome"], "promoted");
    assert!(!xx["rationale"].as_str().unwrap().contains("汨罗"), "{xx}");
    let op = search(&db, None, "湘乡");
    let op_xx = op
        .iter()
        .find(|h| h["id"] == "asm-2019/county-xiangxiang")
        .unwrap();
    assert!(
        op_xx["rationale"].as_str().unwrap().contains("汨罗"),
        "{op_xx}"
    );
    // The timeline renders the same way.
    let t = ok_json(&jury(
        &db,
        &["--as", "m05", "timeline", "county-xiangxiang", "--json"],
    ));
    assert!(!t.to_string().contains("汨罗"), "{t}");
    let _ = dir;
}

fn list_reasons_never_name_an_application_hidden_from_the_secretary(engine: Engine) {
    let Some((_dir, db)) = demo(engine, &["--complete"]) else {
        return;
    };
    let p = ok_json(&jury(&db, &["--as", "m01", "propose", "--json"]));
    let lines: Vec<&Value> = p["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["lines"].as_array().unwrap())
        .collect();
    for l in &lines {
        let text = l["reasons"].to_string();
        for app in CHANGSHA {
            assert!(!text.contains(app), "{} names {app}: {text}", l["app"]);
        }
    }
    // The operator's list names 宁乡县 (passed over for the 长沙 cap).
    let op = ok_json(&jury(&db, &["propose", "--json"])).to_string();
    assert!(op.contains("reserve_skipped") && op.contains("county-ningxiang"));
}

// ------------------------------------------------------------------ M2

fn discussion_notes_and_marks_are_hidden_from_the_recused(engine: Engine) {
    let Some((_dir, db)) = demo(engine, &["--stage", "selection", "--complete"]) else {
        return;
    };
    let o = jury(
        &db,
        &[
            "--as",
            "m07",
            "discuss",
            "county-liuyang",
            "--note",
            "m05 的 98.5 明显偏高",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let store = jury::store::Store::open(&db).unwrap();
    let m01 = store.member("m01").unwrap().unwrap();
    let sight = jury::panel::sight::Sight::of(&store, Some(&m01), "sel-2016").unwrap();
    let notes = sight.deliberations(&store, "sel-2016").unwrap();
    assert!(!notes.contains_key("county-liuyang"), "{notes:?}");
    let everything = jury::panel::sight::Sight::everything();
    assert!(
        everything
            .deliberations(&store, "sel-2016")
            .unwrap()
            .contains_key("county-liuyang")
    );
}

// ------------------------------------------------------------------ M3

fn a_reviewer_who_is_also_secretary_reads_others_only_after_their_own(engine: Engine) {
    let Some((_dir, db)) = demo(engine, &["--stage", "selection"]) else {
        return;
    };
    // m07 has submitted nothing in the selection.
    let m = ok_json(&jury(&db, &["--as", "m07", "matrix", "--json"]));
    let reviewers: Vec<&str> = m["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let me = reviewers.iter().position(|r| *r == "m07").unwrap();
    let mut reviewed = 0;
    for row in m["rows"].as_array().unwrap() {
        let cells = row["cells"].as_array().unwrap();
        if cells[me]["state"] == "not_assigned" || cells[me]["state"] == "recused" {
            continue;
        }
        reviewed += 1;
        assert!(row["aggregate"].is_null(), "{row}");
        for (i, c) in cells.iter().enumerate() {
            if i != me {
                assert!(
                    ["masked", "recused", "not_assigned"].contains(&c["state"].as_str().unwrap()),
                    "{} by {}: {c}",
                    row["app"],
                    reviewers[i]
                );
            }
        }
    }
    assert!(reviewed > 10, "m07 reviews most applications");
    // status: no one else's review of what m07 reviews.
    let reviews: std::collections::BTreeSet<String> = m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["cells"][me]["state"] != "not_assigned")
        .map(|r| r["app"].as_str().unwrap().to_string())
        .collect();
    let st = ok_json(&jury(&db, &["--as", "m07", "status", "--json"]));
    let others: Vec<&Value> = st["rounds"][0]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["member"] != "m07")
        .collect();
    for r in &others {
        assert!(
            !reviews.contains(r["application"].as_str().unwrap()),
            "m07 reads {r}"
        );
    }
    // The timeline shows m07 no live panel score (demo: 2019 being scored).
    let Some((_d2, pilots)) = demo(engine, &[]) else {
        return;
    };
    let t = ok_json(&jury(
        &pilots,
        &["--as", "m07", "timeline", "county-miluo", "--json"],
    ));
    let live: Vec<&Value> = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["live"] == true)
        .collect();
    assert!(live.is_empty(), "{live:?}");
    let op = ok_json(&jury(&pilots, &["timeline", "county-miluo", "--json"]));
    assert!(
        op["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["live"] == true)
    );
}

// ------------------------------------------------------------------ M4

fn a_reviewer_who_has_seen_the_others_cannot_reopen_alone(engine: Engine) {
    let Some((dir, db)) = demo(engine, &["--stage", "selection"]) else {
        return;
    };
    let csv = dir.path().join("zero.csv");
    let mut text = String::from("round,member,application,criterion,value,comment,status\n");
    for c in [
        "base",
        "features",
        "approach",
        "targets",
        "investment",
        "safeguards",
    ] {
        text.push_str(&format!(
            "sel-2016,m06,cluster-changzhutan,{c},0,,submitted\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let o = jury(&db, &["--as", "m06", "import", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut store = jury::store::Store::open(&db).unwrap();
    let r = store.write("m06", true, |w| {
        w.reopen_review("sel-2016", "m06", "cluster-changzhutan")
    });
    let e = r.expect_err("reopening after seeing the others");
    assert!(e.to_string().contains("secretary"), "{e}");
    // The secretary sends it back; the matrix shows it.
    store
        .write("m01", true, |w| {
            w.request_revisit("sel-2016", "m06", "cluster-changzhutan", "请复核")
        })
        .unwrap();
    drop(store);
    let m = ok_json(&jury(&db, &["--as", "m01", "matrix", "--json"]));
    let row = m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["app"] == "cluster-changzhutan")
        .unwrap();
    assert_eq!(row["revisits"], serde_json::json!(["m06"]));
}

// ------------------------------------------------------------------ M5, M6

fn nobody_lifts_their_own_recusal(engine: Engine) {
    let Some((dir, db)) = demo(engine, &["--stage", "selection", "--complete"]) else {
        return;
    };
    let before = snapshot(&db);
    let panel = dir.path().join("move.toml");
    std::fs::write(
        &panel,
        "kind = \"panel\"\n[[members]]\nid = \"m01\"\nname = \"陈宏\"\ndepartment = \"省发展和改革委员会规划处\"\nhome_prefecture = \"怀化\"\nroles = [\"secretary\"]\n",
    )
    .unwrap();
    let o = jury(&db, &["--as", "m01", "import", panel.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("own home prefecture"), "{}", stderr(&o));
    assert_eq!(snapshot(&db), before, "nothing changed");
    // Nor by moving the application out of their 市州.
    let src = std::fs::read_to_string(sample_dir().join("applications/county-ningxiang.toml"))
        .expect("the sample's 宁乡县");
    let moved = src.replace("prefecture = \"长沙\"", "prefecture = \"怀化\"");
    assert_ne!(src, moved, "the sample names 宁乡's 市州 长沙");
    let app = dir.path().join("ningxiang.toml");
    std::fs::write(&app, moved).unwrap();
    let o = jury(&db, &["--as", "m01", "import", app.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("recused"), "{}", stderr(&o));
    assert_eq!(snapshot(&db), before);
    // The operator may; the matrix then tells the secretary.
    let o = jury(&db, &["import", app.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let changes = ok_json(&jury(&db, &["matrix", "--json"]))["recusal_changes"].clone();
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert!(
        changes[0]["what"]
            .as_str()
            .unwrap()
            .contains("changsha → huaihua")
    );
}

fn a_secretary_enters_paper_sheets_only_for_what_they_may_read_and_is_named(engine: Engine) {
    let Some((dir, db)) = demo(engine, &["--stage", "selection"]) else {
        return;
    };
    let h = "round,member,application,criterion,value,comment,status";
    let write = |name: &str, rows: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("{h}\n{rows}")).unwrap();
        p
    };
    // An equality oracle: a right and a wrong guess answer alike.
    let right = write(
        "g19.csv",
        "sel-2016,m02,county-ningxiang,approach,19,,submitted\n",
    );
    let wrong = write(
        "g18.csv",
        "sel-2016,m02,county-ningxiang,approach,18,,submitted\n",
    );
    let a = jury(
        &db,
        &[
            "--as",
            "m01",
            "import",
            right.to_str().unwrap(),
            "--dry-run",
        ],
    );
    let b = jury(
        &db,
        &[
            "--as",
            "m01",
            "import",
            wrong.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(!a.status.success() && !b.status.success());
    assert!(stderr(&a).contains("recused"), "{}", stderr(&a));
    let norm = |o: &Output| stderr(o).replace("g19", "gX").replace("g18", "gX");
    assert_eq!(norm(&a), norm(&b));
    // m07 may not forge m06's review of 长株潭 (m07 is recused from it).
    let mut forge = String::new();
    for (c, v) in [
        ("base", 25),
        ("features", 10),
        ("approach", 20),
        ("targets", 10),
        ("investment", 20),
        ("safeguards", 15),
    ] {
        forge.push_str(&format!(
            "sel-2016,m06,cluster-changzhutan,{c},{v},,submitted\n"
        ));
    }
    let forged = write("forge.csv", &forge);
    let before = snapshot(&db);
    let o = jury(&db, &["--as", "m07", "import", forged.to_str().unwrap()]);
    assert!(!o.status.success());
    assert_eq!(snapshot(&db), before);
    // m01 enters it from paper: accepted, and the review names who typed it.
    let o = jury(&db, &["--as", "m01", "import", forged.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let store = jury::store::Store::open(&db).unwrap();
    let r = store
        .reviews("sel-2016")
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m06" && r.application == "cluster-changzhutan")
        .unwrap();
    assert_eq!(r.entered_by.as_deref(), Some("m01"));
    assert!(store.verify().unwrap().ok());
}

// ------------------------------------------------------------------ H4

fn a_locked_panel_needs_every_members_passphrase(engine: Engine) {
    let Some((_dir, db)) = demo(engine, &["--stage", "selection"]) else {
        return;
    };
    // A reviewer cannot lock the panel against its secretary.
    let o = jury_env(
        &db,
        &[("JURY_NEW_PASSPHRASE", "m06-secret-pass")],
        &["--as", "m06", "passphrase"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("first passphrase"), "{}", stderr(&o));
    let o = jury_env(
        &db,
        &[("JURY_NEW_PASSPHRASE", "m01-secret-pass")],
        &["--as", "m01", "passphrase"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Now nobody acts without a passphrase, and "none" reads as "wrong".
    let none = jury_env(
        &db,
        &[("JURY_PASSPHRASE", "guess-guess")],
        &["--as", "m02", "status"],
    );
    let wrong = jury_env(
        &db,
        &[("JURY_PASSPHRASE", "guess-guess")],
        &["--as", "m01", "status"],
    );
    assert!(!none.status.success() && !wrong.status.success());
    assert_eq!(
        stderr(&none).replace("m02", "mX"),
        stderr(&wrong).replace("m01", "mX"),
        "the refusal tells nobody who has a passphrase"
    );
    let o = jury(&db, &["members"]);
    assert!(!o.status.success(), "a locked panel answers members only");
    // The secretary issues m06 an initial phrase, shown once.
    let me = [("JURY_PASSPHRASE", "m01-secret-pass")];
    let o = jury_env(
        &db,
        &me,
        &["--as", "m01", "passphrase", "--member", "m06", "--issue"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let initial = out
        .split_whitespace()
        .find(|w| w.len() == 19 && w.matches('-').count() == 3)
        .unwrap_or_else(|| panic!("no phrase in {out}"))
        .to_string();
    // With it, m06 can only set their own.
    let o = jury_env(
        &db,
        &[("JURY_PASSPHRASE", &initial)],
        &["--as", "m06", "status"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("initial"), "{}", stderr(&o));
    let o = jury_env(
        &db,
        &[
            ("JURY_PASSPHRASE", &initial),
            ("JURY_NEW_PASSPHRASE", &initial),
        ],
        &["--as", "m06", "passphrase"],
    );
    assert!(!o.status.success(), "the initial phrase cannot be kept");
    let o = jury_env(
        &db,
        &[
            ("JURY_PASSPHRASE", &initial),
            ("JURY_NEW_PASSPHRASE", "m06-own-phrase"),
        ],
        &["--as", "m06", "passphrase"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = jury_env(
        &db,
        &[("JURY_PASSPHRASE", "m06-own-phrase")],
        &["--as", "m06", "status", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Clearing another's needs the secretary's own phrase.
    let o = jury_env(
        &db,
        &[("JURY_PASSPHRASE", "wrong-phrase")],
        &["--as", "m01", "passphrase", "--member", "m06", "--clear"],
    );
    assert!(!o.status.success());
    let o = jury_env(
        &db,
        &me,
        &["--as", "m01", "passphrase", "--member", "m06", "--clear"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = jury_env(
        &db,
        &[("JURY_PASSPHRASE", "m06-own-phrase")],
        &["--as", "m06", "status"],
    );
    assert!(
        !o.status.success(),
        "cleared: m06 waits for a new initial phrase"
    );
    // Every step is in the chain.
    let o = jury_env(&db, &me, &["--as", "m01", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
}

// ------------------------------------------------------------------ L1

fn verify_shows_no_value_of_a_row_the_reader_is_recused_from(engine: Engine) {
    let Some((dir, _db)) = demo(engine, &["--stage", "selection", "--complete"]) else {
        return;
    };
    let (t, _t) = copy_of(&dir, "t");
    sql(
        &t,
        "UPDATE scores SET value = 13.5 WHERE member_id = 'm02'
         AND application_id = 'county-ningxiang' AND criterion_id = 'base'",
    );
    let op = jury(&t, &["verify"]);
    assert!(!op.status.success());
    assert!(stdout(&op).contains("13.5"), "the operator sees the values");
    let m01 = jury(&t, &["--as", "m01", "verify"]);
    assert!(!m01.status.success());
    let text = stdout(&m01);
    assert!(
        text.contains("county-ningxiang"),
        "the row is named: {text}"
    );
    assert!(!text.contains("13.5") && !text.contains("园区"), "{text}");
    // Locked, without --as: counts only.
    let o = jury_env(
        &t,
        &[("JURY_NEW_PASSPHRASE", "m01-secret-pass")],
        &["--as", "m01", "passphrase"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let anon = jury(&t, &["verify"]);
    assert!(!anon.status.success());
    assert!(
        !stdout(&anon).contains("county-ningxiang"),
        "{}",
        stdout(&anon)
    );
    assert!(stdout(&anon).contains("[mismatch] 1"), "{}", stdout(&anon));
}

// ------------------------------------------------------------------ L2

// SQLite-only: file modes of the database file, its WAL and its backups.
#[cfg(unix)]
#[test]
fn the_file_its_wal_and_its_backups_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) =
        demo(Engine::Sqlite, &["--stage", "selection"]).expect("SQLite is always there");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    let backup = dir.path().join("copy.db");
    let o = jury(&db, &["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&backup), 0o600);
    // A write makes the WAL: the same mode.
    let o = jury(&db, &["--as", "m01", "advance"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    // A file others can read is named, with how to fix it.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = jury(&db, &["status"]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("other users of this host"),
        "{}",
        stderr(&o)
    );
}

fn the_audit_head_on_an_export_anchors_the_history(engine: Engine) {
    let Some((dir, db)) = demo(engine, &["--stage", "selection"]) else {
        return;
    };
    let out = dir.path().join("list.json");
    let o = jury(&db, &["export", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let head = doc["audit_head"]
        .as_str()
        .expect("the export names the head")
        .to_string();
    let hash = head.split_whitespace().last().unwrap().to_string();
    assert_eq!(hash.len(), 64);
    let o = jury(&db, &["verify", "--anchor", &hash]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = jury(&db, &["verify", "--anchor", &"0".repeat(64)]);
    assert!(!o.status.success(), "an unknown head fails");
    // Recorded heads are checked at every verify.
    let o = jury(&db, &["verify", "--record", "--json"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = ok_json(&jury(&db, &["verify", "--json"]));
    assert_eq!(o["anchors_checked"], 1);
}
