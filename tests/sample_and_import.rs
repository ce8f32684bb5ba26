//! The sample data loads, counts as documented, re-imports as a no-op; bad
//! files fail with file and line and leave the database byte-for-byte as it was.

mod common;
use common::*;

on_both_engines!(
    sample_counts_match_and_reimport_changes_nothing,
    wrong_type_names_file_and_line_and_changes_nothing,
    one_bad_file_among_good_ones_writes_nothing,
    dry_run_reports_and_writes_nothing,
    unknown_key_and_missing_kind_are_located,
    references_to_nothing_are_refused,
    demo_with_db_loads_sample_and_prints_summary,
    demo_complete_fills_every_review_for_the_secretary,
);

fn sample_counts_match_and_reimport_changes_nothing(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let status = json(&jury(&db, &["status", "--json"]));
    let call = &status["calls"][0];
    assert_eq!(call["id"], "hunan-2016");
    assert_eq!(call["doc_number"], "湘发改规划〔2016〕959号");
    let apps = &call["applications"];
    assert!(apps["total"].as_u64().unwrap() >= 36);
    assert_eq!(apps["prefectures"], 14, "all 14 市州 are covered");
    assert_eq!(apps["directly_included"], 2);
    assert!(apps["ineligible"].as_u64().unwrap() >= 5);
    let tiers: Vec<&str> = apps["by_tier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tier"].as_str().unwrap())
        .collect();
    assert_eq!(tiers, ["cluster", "county", "town"]);
    assert_eq!(status["members"]["total"], 7);
    assert!(status["members"]["secretaries"].as_u64().unwrap() >= 1);
    assert!(status["prior_decisions"]["total"].as_u64().unwrap() >= 150);
    let round = &status["rounds"][0];
    assert_eq!(round["state"], "scoring");
    let p = &round["progress"];
    assert!(p["submitted"].as_u64().unwrap() > 0);
    assert!(p["recused"].as_u64().unwrap() > 0);
    assert!(p["not_started"].as_u64().unwrap() > 0);
    let audit = status["audit_entries"].as_u64().unwrap();

    let before = snapshot(&db);
    let again = jury(&db, &["import", sample_dir().to_str().unwrap(), "--json"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let report = json(&again);
    assert_eq!(report["changed"], false, "{report}");
    let status2 = json(&jury(&db, &["status", "--json"]));
    assert_eq!(status2["audit_entries"].as_u64().unwrap(), audit);
    assert_eq!(status, status2);
    assert_eq!(
        snapshot(&db).0,
        before.0,
        "a no-op import leaves the file as it was"
    );

    let verify = jury(&db, &["verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
}

fn wrong_type_names_file_and_line_and_changes_nothing(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let original =
        std::fs::read_to_string(sample_dir().join("applications/county-miluo.toml")).unwrap();
    let line = original
        .lines()
        .position(|l| l.starts_with("government_approval"))
        .expect("field present")
        + 1;
    let broken = original.replacen(
        "government_approval = true",
        "government_approval = \"yes\"",
        1,
    );
    let bad = dir.path().join("county-miluo.toml");
    std::fs::write(&bad, broken).unwrap();

    let before = snapshot(&db);
    let out = jury(&db, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("county-miluo.toml:{line}")),
        "error names file and line {line}: {err}"
    );
    assert!(err.contains("government_approval"), "{err}");
    assert!(err.contains("bool"), "says what was expected: {err}");
    assert_eq!(snapshot(&db), before, "database byte-for-byte unchanged");
}

fn one_bad_file_among_good_ones_writes_nothing(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "round,member,application,criterion,value,comment\n\
         sel-2016,m06,county-miluo,base,20,循环经济基础好\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "round,member,application,criterion,value\n\
         sel-2016,m06,county-shaodong,base,26\n",
    )
    .unwrap();
    let before = snapshot(&db);
    let out = jury(
        &db,
        &["import", good.to_str().unwrap(), bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("bad.csv:2"), "{err}");
    assert!(err.contains("from 0 to 25"), "{err}");
    assert_eq!(snapshot(&db), before);

    // The good file alone goes in.
    let out = jury(&db, &["import", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn dry_run_reports_and_writes_nothing(engine: Engine) {
    let Some(p) = place(engine) else {
        return;
    };
    let db = p.db.clone();
    assert!(jury(&db, &["init"]).status.success());
    let before = snapshot(&db);
    let out = jury(
        &db,
        &[
            "import",
            "--dry-run",
            "--json",
            sample_dir().to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["dry_run"], true);
    assert!(
        report["changes"]["application"]["inserted"]
            .as_u64()
            .unwrap()
            >= 36
    );
    assert_eq!(snapshot(&db), before);
    let status = json(&jury(&db, &["status", "--json"]));
    assert_eq!(status["calls"].as_array().unwrap().len(), 0);
}

fn unknown_key_and_missing_kind_are_located(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "kind = \"panel\"\n\n[[members]]\nid = \"m09\"\nname = \"x\"\ndepartmnt = \"y\"\nroles = [\"reviewer\"]\n").unwrap();
    let out = jury(&db, &["import", typo.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("typo.toml:6"), "{err}");
    assert!(err.contains("departmnt"), "{err}");

    let nokind = dir.path().join("nokind.toml");
    std::fs::write(&nokind, "id = 1\n").unwrap();
    let out = jury(&db, &["import", nokind.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("nokind.toml:1: field kind"),
        "{}",
        stderr(&out)
    );
}

fn references_to_nothing_are_refused(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let sheet = dir.path().join("ghost.csv");
    std::fs::write(
        &sheet,
        "round,member,application,criterion,value\nsel-2016,m06,county-atlantis,base,20\n",
    )
    .unwrap();
    let before = snapshot(&db);
    let out = jury(&db, &["import", sheet.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("ghost.csv:2"), "{}", stderr(&out));
    assert!(stderr(&out).contains("county-atlantis"), "{}", stderr(&out));
    assert_eq!(snapshot(&db), before);
}

fn demo_with_db_loads_sample_and_prints_summary(engine: Engine) {
    let Some(p) = place(engine) else {
        return;
    };
    let db = p.db.clone();
    let out = jury(&db, &["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("湘发改规划〔2016〕959号"), "{text}");
    assert!(text.contains("sel-2016"), "{text}");
    // A second demo on the same file is a no-op import.
    let audit = json(&jury(&db, &["status", "--json"]))["audit_entries"].clone();
    assert!(jury(&db, &["demo"]).status.success());
    assert_eq!(
        json(&jury(&db, &["status", "--json"]))["audit_entries"],
        audit
    );
}

fn demo_complete_fills_every_review_for_the_secretary(engine: Engine) {
    let Some(p) = place(engine) else {
        return;
    };
    let db = p.db.clone();
    let out = jury(&db, &["demo", "--complete"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let status = json(&jury(&db, &["status", "--json"]));
    let p = &status["rounds"][0]["progress"];
    assert_eq!(
        (p["draft"].as_u64(), p["not_started"].as_u64()),
        (Some(0), Some(0)),
        "{p}"
    );
    assert!(jury(&db, &["advance"]).status.success());
    assert!(jury(&db, &["finalise"]).status.success());
    assert!(jury(&db, &["verify"]).status.success());
}
