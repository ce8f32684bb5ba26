//! Who reads what: a matrix over the surfaces that show reviews (the review
//! screen, the secretary's matrix and list, `status`, `matrix`, `propose`,
//! `export`, `import`, search) for a reviewer, a conflicted reviewer and the
//! secretary, and the optional passphrases that make `--as` a sign-in.
//!
//! The sample: m05 (home 岳阳) has submitted 10 reviews and holds 4 drafts,
//! and is recused from 岳阳's applications (county-miluo among them); m06
//! (home 怀化) has submitted nothing; m01 is the secretary, home 长沙, so
//! recused from county-liuyang, county-ningxiang and town-liuyang-dayao.
//! Search's recusal rule has its own test in tests/search.rs.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

const CHANGSHA: [&str; 3] = ["county-liuyang", "county-ningxiang", "town-liuyang-dayao"];
const YUEYANG: [&str; 3] = [
    "county-miluo",
    "cluster-yueyang-linxiang",
    "town-linxiang-yanglousi",
];

/// (member, application) of every review `status --json` shows.
fn shown(out: &std::process::Output) -> BTreeSet<(String, String)> {
    assert!(out.status.success(), "{}", stderr(out));
    json(out)["rounds"][0]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["member"].as_str().unwrap().to_string(),
                r["application"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn submitted_by(db: &std::path::Path, member: &str) -> BTreeSet<String> {
    let out = jury(db, &["status", "--json"]);
    json(&out)["rounds"][0]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["member"] == member && r["status"] == "submitted")
        .map(|r| r["application"].as_str().unwrap().to_string())
        .collect()
}

on_both_engines!(
    status_shows_each_member_only_what_the_rules_allow,
    the_secretarys_commands_refuse_reviewers_and_mask_the_secretarys_recusals,
    score_sheets_go_out_and_come_in_only_for_their_owner_or_the_secretary,
    the_review_screen_hides_others_until_submission_and_recused_applications_entirely,
    a_passphrase_locks_the_panel_and_guards_its_member,
    the_interface_asks_every_member_of_a_locked_panel_for_a_passphrase,
    search_and_demo_keep_to_the_rules_on_the_pilots_years,
);

fn status_shows_each_member_only_what_the_rules_allow(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let all = shown(&jury(&db, &["status", "--json"]));
    assert_eq!(
        all.len(),
        108,
        "the operator of an unlocked panel sees every review"
    );

    // m06 has submitted nothing: no one else's review, and has none of their own.
    let m06 = shown(&jury(&db, &["--as", "m06", "status", "--json"]));
    assert!(m06.is_empty(), "{m06:?}");

    // m05: their own, plus others' of what they have submitted; nothing of 岳阳's.
    let done = submitted_by(&db, "m05");
    assert_eq!(done.len(), 10);
    let m05 = shown(&jury(&db, &["--as", "m05", "status", "--json"]));
    let expected: BTreeSet<_> = all
        .iter()
        .filter(|(member, app)| member == "m05" || done.contains(app))
        .filter(|(_, app)| !YUEYANG.contains(&app.as_str()))
        .cloned()
        .collect();
    assert_eq!(m05, expected);
    assert!(
        m05.iter().any(|(m, _)| m == "m02"),
        "others' after submission"
    );
    assert!(
        !m05.iter().any(|(m, a)| m != "m05" && !done.contains(a)),
        "nothing of others' before submission"
    );

    // The secretary: everything except the applications they are recused from.
    let m01 = shown(&jury(&db, &["--as", "m01", "status", "--json"]));
    let expected: BTreeSet<_> = all
        .iter()
        .filter(|(_, app)| !CHANGSHA.contains(&app.as_str()))
        .cloned()
        .collect();
    assert_eq!(m01, expected);
    assert!(all.iter().any(|(_, a)| a == "county-liuyang"));
}

fn the_secretarys_commands_refuse_reviewers_and_mask_the_secretarys_recusals(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    for args in [
        vec!["matrix"],
        vec!["propose"],
        vec!["export", "--out", "x.csv"],
        vec!["advance"],
        vec!["finalise"],
        vec!["discuss", "county-miluo"],
        vec![
            "override",
            "county-miluo",
            "--outcome",
            "selected",
            "--reason",
            "x",
        ],
        vec!["reopen-round"],
        vec!["verify"],
        vec!["backup", "b.db"],
    ] {
        let mut full = vec!["--as", "m05"];
        full.extend(&args);
        let before = snapshot(&db);
        let out = jury(&db, &full);
        assert!(!out.status.success(), "{args:?} ran for a reviewer");
        assert!(
            stderr(&out).contains("only a secretary"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(snapshot(&db), before, "{args:?} changed something");
    }

    // matrix: the secretary's own recusals read "recused", with no aggregate.
    let out = jury(&db, &["--as", "m01", "matrix", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let m = json(&out);
    let operator = json(&jury(&db, &["matrix", "--json"]));
    for row in m["rows"].as_array().unwrap() {
        let app = row["app"].as_str().unwrap();
        let full = operator["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["app"] == app)
            .unwrap();
        if CHANGSHA.contains(&app) {
            assert!(row["aggregate"].is_null(), "{app}");
            assert!(row["sub_scores"].as_object().unwrap().is_empty());
            for cell in row["cells"].as_array().unwrap() {
                assert!(
                    ["masked", "recused", "not_assigned"]
                        .contains(&cell["state"].as_str().unwrap()),
                    "{app}: {cell}"
                );
            }
            assert!(!full["aggregate"].is_null(), "{app} has scores to hide");
        } else if row["tier"] == "cluster" {
            assert_eq!(row, full, "{app} is not the secretary's to hide");
        } else {
            // Counties and towns hold a hidden line: no ranks there (1, 2, 4
            // would say where the hidden one stands); the rest as it is.
            assert!(row["rank"].is_null() && row["adjusted_rank"].is_null());
            let (mut row, mut full) = (row.clone(), full.clone());
            for v in [&mut row, &mut full] {
                v["rank"] = Value::Null;
                v["adjusted_rank"] = Value::Null;
            }
            assert_eq!(row, full, "{app} is not the secretary's to hide");
        }
    }
    // The reviewers' statistics come from the visible cells only: with the
    // full ones, count × mean − the visible scores would give a hidden one.
    let count = |m: &Value, who: &str| {
        m["reviewer_stats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["reviewer"] == who)
            .map(|s| s["count"].as_u64().unwrap())
            .unwrap()
    };
    assert!(count(&m, "m02") < count(&operator, "m02"));

    // propose and export: no score or rank for them; the outcome stays.
    let out = jury(&db, &["--as", "m01", "propose", "--json"]);
    let p = json(&out);
    let lines: Vec<&serde_json::Value> = p["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["lines"].as_array().unwrap())
        .collect();
    for app in CHANGSHA {
        let l = lines.iter().find(|l| l["app"] == app).unwrap();
        assert!(l["score"].is_null() && l["rank"].is_null(), "{l}");
        assert!(l["reasons"].as_array().unwrap().is_empty(), "{l}");
    }
    let export = |who: &[&str], name: &str| -> Vec<serde_json::Value> {
        let path = dir.path().join(name);
        let mut args = who.to_vec();
        args.extend(["export", "--out", path.to_str().unwrap()]);
        let out = jury(&db, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        doc["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["lines"].as_array().unwrap().clone())
            .collect()
    };
    let masked = export(&["--as", "m01"], "m01.json");
    let full = export(&[], "operator.json");
    assert_eq!(masked.len(), full.len());
    let mut hidden = 0;
    for line in &masked {
        let app = line["application"].as_str().unwrap();
        let mut full = full
            .iter()
            .find(|l| l["application"] == app)
            .unwrap()
            .clone();
        if CHANGSHA.contains(&app) {
            assert!(line["score"].is_null() && line["rank"].is_null(), "{line}");
            assert_eq!(line["outcome"], full["outcome"]);
            assert_eq!(line["recusals"], full["recusals"]);
            hidden += usize::from(!full["score"].is_null());
        } else {
            // Same line; only its place in the order may move, and a tier
            // holding a hidden line shows no ranks.
            let mut line = line.clone();
            line["seq"] = 0.into();
            full["seq"] = 0.into();
            if line["rank"].is_null() {
                full["rank"] = Value::Null;
            }
            assert_eq!(line, full);
        }
    }
    assert!(
        hidden > 0,
        "a Changsha application with a score is on the list"
    );
}

fn score_sheets_go_out_and_come_in_only_for_their_owner_or_the_secretary(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let sheet = dir.path().join("m05.csv");
    let sheet_arg = sheet.to_str().unwrap();
    let take = |who: &str| {
        jury(
            &db,
            &[
                "--as",
                who,
                "export",
                "--score-sheet",
                "--member",
                "m05",
                "--out",
                sheet_arg,
            ],
        )
    };
    assert!(!take("m06").status.success(), "another reviewer's sheet");
    assert!(take("m01").status.success(), "the secretary");
    assert!(take("m05").status.success(), "their own");

    // m06 cannot bring m05's sheet in; m05 can.
    let before = snapshot(&db);
    let out = jury(&db, &["--as", "m06", "import", sheet_arg]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("only their own score sheets"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&db), before);
    let out = jury(&db, &["--as", "m05", "import", sheet_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A reviewer imports no panel, call or application files.
    let out = jury(
        &db,
        &[
            "--as",
            "m05",
            "import",
            sample_dir().join("panel.toml").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
}

fn the_review_screen_hides_others_until_submission_and_recused_applications_entirely(
    engine: Engine,
) {
    use jury::base::i18n::Lang;
    use jury::tui::review::Others;
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let store = jury::store::Store::open(&db).unwrap();
    let round = store.round("sel-2016").unwrap().unwrap();
    let call = store.call(&round.call).unwrap().unwrap();
    let member = |id: &str| store.member(id).unwrap().unwrap();
    let form = |m: &str, app: &str| {
        jury::tui::data::review_form(&store, &call, &round, &member(m), app, Lang::Zh)
    };
    let done: Vec<String> = submitted_by(&db, "m05").into_iter().collect();
    // After submission: the others' totals.
    match form("m05", &done[0]).unwrap().others {
        Others::Shown(v) => assert!(!v.is_empty()),
        Others::Hidden { .. } => panic!("expected others shown after submission"),
    }
    // Before: hidden, with the reason.
    assert!(matches!(
        form("m06", "county-shaodong").unwrap().others,
        Others::Hidden {
            until_submitted: true
        }
    ));
    // Recused: the application does not open at all.
    let err = match form("m05", "county-miluo") {
        Ok(_) => panic!("a recused application opened"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("回避"), "{err}");
    // The store refuses a recused member's score whatever the interface does.
    drop(store);
    let file = _dir.path().join("miluo.csv");
    std::fs::write(
        &file,
        "round,member,application,criterion,value\nsel-2016,m05,county-miluo,base,20\n",
    )
    .unwrap();
    let out = jury(&db, &["--as", "m05", "import", file.to_str().unwrap()]);
    assert!(!out.status.success(), "a recused score was accepted");
}

fn with_passphrase(db: &std::path::Path, phrase: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .env_remove("JURY_DB")
        .env("JURY_PASSPHRASE", phrase)
        .env("JURY_NEW_PASSPHRASE", "湘江北去 新口令")
        .output()
        .unwrap()
}

fn a_passphrase_locks_the_panel_and_guards_its_member(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    // The first passphrase is the secretary's (no current one to give yet).
    let out = with_passphrase(&db, "", &["--as", "m01", "passphrase"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // The panel is locked: no reading reviews without saying who you are.
    let before = snapshot(&db);
    let out = jury(&db, &["status", "--json"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--as"), "{}", stderr(&out));
    // Wrong passphrase: refused, nothing read or changed.
    let out = with_passphrase(&db, "wrong one!", &["--as", "m01", "status", "--json"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(snapshot(&db), before);
    // The right one.
    let out = with_passphrase(&db, "湘江北去 新口令", &["--as", "m01", "status", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A member without one does not sign in with --as alone (finding H4).
    let out = with_passphrase(&db, "", &["--as", "m05", "status", "--json"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());

    // The hash is stored and audited; the phrase itself is nowhere in the file
    // (on a server: in no row of any table).
    match engine {
        Engine::Sqlite => {
            let bytes = std::fs::read(&db).unwrap();
            let wal = std::fs::read(format!("{}-wal", db.display())).unwrap_or_default();
            let needle = "湘江北去".as_bytes();
            for b in [&bytes, &wal] {
                assert!(!b.windows(needle.len()).any(|w| w == needle));
            }
        }
        Engine::Postgres => {
            let tables = sql_text(
                &db,
                "SELECT string_agg(quote_ident(schemaname) || '.' || quote_ident(tablename), ',')
                 FROM pg_tables WHERE schemaname IN ('public', 'jury')",
            )
            .unwrap();
            assert!(tables.contains("member_secrets"), "{tables}");
            for t in tables.split(',') {
                let n = sql_i64(
                    &db,
                    &format!("SELECT count(*) FROM {t} x WHERE x::text LIKE '%湘江北去%'"),
                );
                assert_eq!(n, 0, "the phrase is in {t}");
            }
        }
    }
    let out = with_passphrase(&db, "湘江北去 新口令", &["--as", "m01", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));

    // The last passphrase cleared unlocks the panel.
    let out = with_passphrase(
        &db,
        "湘江北去 新口令",
        &["--as", "m01", "passphrase", "--clear"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        jury(&db, &["status", "--json"]).status.success(),
        "unlocked again"
    );
}

fn the_interface_asks_every_member_of_a_locked_panel_for_a_passphrase(engine: Engine) {
    use jury::tui::app::{Effect, Popup, Screen};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let out = with_passphrase(&db, "", &["--as", "m01", "passphrase"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut store = jury::store::Store::open(&db).unwrap();
    let mut app =
        jury::tui::build_app(&store, jury::base::i18n::Lang::Zh, Some("dark"), None).unwrap();
    let m06 = app
        .picker
        .members
        .iter()
        .position(|m| m.id == "m06")
        .unwrap();
    app.picker.selected = m06;
    let press = |app: &mut jury::tui::app::App, code: KeyCode| -> Vec<Effect> {
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
    };
    // m06 has no passphrase, and is asked for one all the same: the picker
    // shows nobody who has one.
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "no sign-in yet");
    assert!(matches!(app.popup, Some(Popup::Passphrase { .. })));
    for c in "wrong".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    // The screen shows dots, never the text.
    let backend = ratatui::backend::TestBackend::new(80, 24);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal.draw(|f| jury::tui::view::draw(f, &app)).unwrap();
    let screen = format!("{:?}", terminal.backend().buffer());
    assert!(screen.contains("•") && !screen.contains("wrong"));
    assert!(screen.contains("请输入口令"));
    assert!(!screen.contains("需口令"), "no member marked");

    for e in press(&mut app, KeyCode::Enter) {
        jury::tui::perform(&mut app, &mut store, e);
    }
    assert!(app.member.is_none() && app.screen == Screen::Picker);
    assert!(app.message.as_ref().unwrap().text.contains("口令不正确"));

    // The secretary issues m06 an initial phrase; m06 signs in with it and
    // must set their own before anything else.
    let phc = jury::panel::auth::hash("init-init-init").unwrap();
    store
        .write("m01", true, |w| w.set_passphrase("m06", Some(&phc), true))
        .unwrap();
    press(&mut app, KeyCode::Enter);
    for c in "init-init-init".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    for e in press(&mut app, KeyCode::Enter) {
        jury::tui::perform(&mut app, &mut store, e);
    }
    assert!(app.member.is_none(), "not signed in on an initial phrase");
    assert!(matches!(app.popup, Some(Popup::NewPassphrase { .. })));
    for _ in 0..2 {
        for c in "湘江北去 新口令".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        for e in press(&mut app, KeyCode::Enter) {
            jury::tui::perform(&mut app, &mut store, e);
        }
    }
    assert_eq!(app.member.as_ref().unwrap().id, "m06");
    assert_eq!(app.screen, Screen::Queue);
    let (phc, initial) = store.passphrase("m06").unwrap().unwrap();
    assert!(!initial && jury::panel::auth::verify(&phc, "湘江北去 新口令"));
}

fn search_and_demo_keep_to_the_rules_on_the_pilots_years(engine: Engine) {
    let Some(p) = place(engine) else {
        return;
    };
    let db = p.db.clone();
    assert!(jury(&db, &["demo"]).status.success());
    // m01 (长沙) is recused from 浏阳市: its earlier decisions show as
    // outcomes only, with no score, grade or rationale.
    let out = jury(&db, &["--as", "m01", "search", "浏阳市", "--json"]);
    let hits = json(&out)["results"].as_array().unwrap().clone();
    let mine: Vec<&serde_json::Value> = hits
        .iter()
        .filter(|h| h["application"] == "county-liuyang")
        .collect();
    assert!(!mine.is_empty(), "the outcomes are there");
    for h in &mine {
        assert!(h["score"].is_null() && h["grade"].is_null(), "{h}");
        assert_eq!(h["rationale"], "", "{h}");
    }
    // The operator sees them whole.
    let out = jury(&db, &["search", "浏阳市", "--json"]);
    assert!(
        json(&out)["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["application"] == "county-liuyang" && !h["score"].is_null())
    );

    // A locked panel takes no demo data written as nobody in particular.
    let out = with_passphrase(&db, "", &["--as", "m01", "passphrase"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = snapshot(&db);
    let out = jury(&db, &["demo", "--complete"]);
    assert!(!out.status.success());
    assert_eq!(snapshot(&db), before);
}
