//! The audit chain catches edits made behind jury's back; the store's rules
//! hold for every importer (GBK CSV, XLSX); recusal and submission rules.

mod common;
use common::*;
use jury::store::Store;

on_both_engines!(
    verify_fails_on_edited_score_and_passes_when_restored,
    verify_fails_on_edited_prior_decision,
    verify_fails_on_inserted_or_deleted_rows,
    audit_log_is_append_only_and_rewrites_break_the_chain,
    gbk_score_sheet_with_chinese_headers_imports,
    xlsx_investment_plan_replaces_projects_and_bad_cells_are_located,
    recused_members_cannot_score,
    submitting_with_a_blank_criterion_is_refused,
    a_newer_schema_is_refused_not_damaged,
    a_call_without_optional_fields_reads_back,
    non_finite_numbers_in_a_call_are_refused,
    a_scored_rounds_rubric_cannot_be_switched,
    a_score_sheet_keeps_what_it_leaves_out_and_respects_submission,
    verify_catches_edits_to_what_decides_recusal_and_eligibility,
);

/// An edit behind jury's back, as the database's administrator.
fn sql(db: &std::path::Path, statement: &str) {
    sql_batch(db, statement);
}

/// The same, when the database may refuse it: its error, as text.
fn try_sql(db: &std::path::Path, statement: &str) -> Result<(), String> {
    match db.to_str().filter(|u| u.starts_with("postgres")) {
        Some(url) => ::postgres::Client::connect(url, ::postgres::NoTls)
            .expect("connect")
            .batch_execute(statement)
            .map_err(|e| format!("{e:?}")),
        None => rusqlite::Connection::open(db)
            .unwrap()
            .execute_batch(statement)
            .map_err(|e| e.to_string()),
    }
}

fn verify_ok(db: &std::path::Path) -> bool {
    let out = jury(db, &["verify"]);
    out.status.success()
}

fn verify_fails_on_edited_score_and_passes_when_restored(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    assert!(verify_ok(&db));
    let rowid = sql_i64(&db, "SELECT min(rowid) FROM scores WHERE value IS NOT NULL");
    let value: f64 = sql_text(
        &db,
        &format!("SELECT CAST(value AS TEXT) FROM scores WHERE rowid = {rowid}"),
    )
    .unwrap()
    .parse()
    .unwrap();
    sql(
        &db,
        &format!("UPDATE scores SET value = value + 1 WHERE rowid = {rowid}"),
    );
    let out = jury(&db, &["verify", "--json"]);
    assert!(!out.status.success());
    let report = json(&out);
    assert_eq!(report["ok"], false);
    assert_eq!(report["problems"][0]["kind"], "mismatch", "{report}");

    sql(
        &db,
        &format!("UPDATE scores SET value = {value} WHERE rowid = {rowid}"),
    );
    assert!(verify_ok(&db), "restoring the logged value passes again");
}

fn verify_fails_on_edited_prior_decision(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    sql(
        &db,
        "UPDATE prior_decisions SET outcome = 'selected' WHERE id = (SELECT id FROM prior_decisions WHERE outcome = 'not_selected' LIMIT 1)",
    );
    assert!(!verify_ok(&db));
}

fn verify_fails_on_inserted_or_deleted_rows(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    sql(
        &db,
        "DELETE FROM scores WHERE rowid = (SELECT min(rowid) FROM scores)",
    );
    let report = json(&jury(&db, &["verify", "--json"]));
    assert_eq!(report["problems"][0]["kind"], "missing", "{report}");

    let Some((_dir2, db2)) = sample_on(engine) else {
        return;
    };
    sql(
        &db2,
        "INSERT INTO conflicts (member_id, application_id, reason) VALUES ('m06', 'county-miluo', 'forged')",
    );
    let report = json(&jury(&db2, &["verify", "--json"]));
    assert_eq!(report["problems"][0]["kind"], "unlogged", "{report}");
}

fn audit_log_is_append_only_and_rewrites_break_the_chain(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    // Refused even to the database's administrator.
    let err = try_sql(&db, "UPDATE audit_log SET actor = 'someone' WHERE seq = 1").unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    assert!(try_sql(&db, "DELETE FROM audit_log WHERE seq = 2").is_err());
    // With the guard dropped (on a server: by its superuser, a hostile
    // administrator), a rewrite is still detected by the hashes.
    let drop_guard = match engine {
        Engine::Sqlite => "DROP TRIGGER audit_log_no_update;",
        Engine::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log;",
    };
    sql(
        &db,
        &format!(
            "{drop_guard}
             UPDATE audit_log SET new = replace(new, '\"submitted\"', '\"draft\"')
             WHERE seq = (SELECT min(seq) FROM audit_log WHERE entity = 'review' AND new LIKE '%submitted%');"
        ),
    );
    let report = json(&jury(&db, &["verify", "--json"]));
    assert_eq!(report["ok"], false);
    let kinds: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"chain"), "{report}");
}

fn gbk_score_sheet_with_chinese_headers_imports(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let text = "轮次,评审专家,申报主体,评分项,分值,评语,状态\r\n\
                sel-2016,m06,county-miluo,base,21.5,循环经济园区亩均产出高,draft\r\n\
                sel-2016,m06,county-miluo,overall,,总体较好,draft\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    let path = dir.path().join("评分表.csv");
    std::fs::write(&path, &gbk).unwrap();
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = Store::open(&db).unwrap();
    let review = store
        .reviews("sel-2016")
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m06" && r.application == "county-miluo")
        .expect("review stored");
    assert_eq!(review.overall_comment, "总体较好");
    assert_eq!(review.scores[0].value, Some(21.5));
    assert_eq!(review.scores[0].comment, "循环经济园区亩均产出高");
    drop(store);
    assert!(verify_ok(&db));
}

fn xlsx_investment_plan_replaces_projects_and_bad_cells_are_located(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let path = dir.path().join("plan.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("投资计划").unwrap();
    let header = [
        "申报主体",
        "项目名称",
        "类别",
        "建设状态",
        "总投资",
        "2017",
        "2018",
        "2019",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "county-miluo").unwrap();
    sheet
        .write_string(1, 1, "汨罗江城区段综合治理工程")
        .unwrap();
    sheet.write_string(1, 2, "生态环保").unwrap();
    sheet.write_string(1, 3, "新开工").unwrap();
    sheet.write_number(1, 4, 4.2).unwrap();
    sheet.write_number(1, 5, 1.2).unwrap();
    sheet.write_number(1, 6, 1.5).unwrap();
    sheet.write_number(1, 7, 1.5).unwrap();
    book.save(&path).unwrap();
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let app = Store::open(&db)
        .unwrap()
        .application("county-miluo")
        .unwrap()
        .unwrap();
    assert_eq!(app.projects.len(), 1);
    assert_eq!(app.projects[0].name, "汨罗江城区段综合治理工程");
    assert_eq!(app.plan_by_year()[&2018], 1.5);

    let bad = dir.path().join("bad.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Plan").unwrap();
    for (c, h) in ["application", "project", "total", "2017"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "county-miluo").unwrap();
    sheet.write_string(1, 1, "x").unwrap();
    sheet.write_number(1, 2, 3.0).unwrap();
    sheet.write_string(1, 3, "三亿").unwrap();
    book.save(&bad).unwrap();
    let before = snapshot(&db);
    let out = jury(&db, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("bad.xlsx#Plan:2: field 2017"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&db), before);
}

fn recused_members_cannot_score(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    // m02 declared a conflict on 边城镇; m02's home prefecture is 衡阳.
    for (app, why) in [
        ("town-huayuan-biancheng", "declared"),
        ("town-hengnan-yunji", "home prefecture"),
    ] {
        let path = dir.path().join("r.csv");
        std::fs::write(
            &path,
            format!("round,member,application,criterion,value\nsel-2016,m02,{app},base,20\n"),
        )
        .unwrap();
        let out = jury(&db, &["import", path.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains("recused") && err.contains(why), "{err}");
    }
}

fn submitting_with_a_blank_criterion_is_refused(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let path = dir.path().join("s.csv");
    std::fs::write(
        &path,
        "round,member,application,criterion,value,status\n\
         sel-2016,m06,county-miluo,base,20,submitted\n\
         sel-2016,m06,county-miluo,features,8,submitted\n",
    )
    .unwrap();
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("blank criteria approach"),
        "{}",
        stderr(&out)
    );
}

fn a_newer_schema_is_refused_not_damaged(engine: Engine) {
    let Some(p) = place(engine) else {
        return;
    };
    let db = p.db.clone();
    // A schema version from the future: SQLite's user_version, or the
    // server's jury_schema table.
    sql(
        &db,
        match engine {
            Engine::Sqlite => "PRAGMA user_version = 99; CREATE TABLE t (x);",
            Engine::Postgres => {
                "CREATE TABLE jury_schema (version BIGINT NOT NULL);
                 INSERT INTO jury_schema (version) VALUES (99);
                 CREATE TABLE t (x BIGINT);"
            }
        },
    );
    let before = snapshot(&db);
    match Store::open(&db) {
        Err(jury::store::StoreError::TooNew { found: 99, .. }) => {}
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("opened a database from the future"),
    }
    assert_eq!(snapshot(&db).0, before.0);
}

// SQLite-only: WAL mode and PRAGMA user_version are SQLite's own.
#[test]
fn the_database_is_in_wal_mode_with_a_schema_version() {
    let (_dir, db) = sample_db();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, jury::store::SCHEMA_VERSION);
}

fn a_call_without_optional_fields_reads_back(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let call = std::fs::read_to_string(sample_dir().join("call.toml")).unwrap();
    let without = call.replace("published_on = 2016-12-05\n", "");
    assert_ne!(call, without);
    let path = dir.path().join("call.toml");
    std::fs::write(&path, without).unwrap();
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Everything that reads the call still works.
    assert!(jury(&db, &["status", "--json"]).status.success());
    assert!(
        jury(&db, &["import", path.to_str().unwrap()])
            .status
            .success()
    );
}

fn non_finite_numbers_in_a_call_are_refused(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let call = std::fs::read_to_string(sample_dir().join("call.toml")).unwrap();
    let bad = call.replacen("average = 50.9", "average = nan", 1);
    let path = dir.path().join("call.toml");
    std::fs::write(&path, bad).unwrap();
    let before = snapshot(&db);
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("finite"), "{}", stderr(&out));
    assert_eq!(snapshot(&db), before);
}

fn a_scored_rounds_rubric_cannot_be_switched(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let call = std::fs::read_to_string(sample_dir().join("call.toml")).unwrap();
    let switched = call.replace(
        "rubric = \"selection\"\ndeadline = 2017-01-20",
        "rubric = \"assessment\"\ndeadline = 2017-01-20",
    );
    assert_ne!(call, switched);
    let path = dir.path().join("call.toml");
    std::fs::write(&path, switched).unwrap();
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot change"), "{}", stderr(&out));
}

fn a_score_sheet_keeps_what_it_leaves_out_and_respects_submission(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let sheet = dir.path().join("a.csv");
    // A draft with an overall comment, then a sheet without status or overall row.
    std::fs::write(
        &sheet,
        "round,member,application,criterion,value,comment,status\n\
         sel-2016,m06,county-miluo,base,20,,draft\n\
         sel-2016,m06,county-miluo,overall,,总体较好,draft\n",
    )
    .unwrap();
    assert!(
        jury(&db, &["import", sheet.to_str().unwrap()])
            .status
            .success()
    );
    std::fs::write(
        &sheet,
        "round,member,application,criterion,value\nsel-2016,m06,county-miluo,features,8\n",
    )
    .unwrap();
    assert!(
        jury(&db, &["import", sheet.to_str().unwrap()])
            .status
            .success()
    );
    let review = Store::open(&db)
        .unwrap()
        .reviews("sel-2016")
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m06" && r.application == "county-miluo")
        .unwrap();
    assert_eq!(
        review.overall_comment, "总体较好",
        "kept: the sheet had no overall row"
    );
    assert_eq!(review.scores.len(), 2);

    // m02's sample reviews are submitted: a sheet may not change one, nor set it back to draft.
    let status = json(&jury(&db, &["status", "--json"]));
    let submitted = status["rounds"][0]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["member"] == "m02" && r["status"] == "submitted")
        .unwrap()
        .clone();
    let app = submitted["application"].as_str().unwrap();
    std::fs::write(
        &sheet,
        format!("round,member,application,criterion,value\nsel-2016,m02,{app},base,1\n"),
    )
    .unwrap();
    let out = jury(&db, &["import", sheet.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("reopen"), "{}", stderr(&out));
    // The same values again are no change, not an error.
    let base = submitted["scores"]["base"].as_f64().unwrap();
    std::fs::write(
        &sheet,
        format!(
            "round,member,application,criterion,value,comment\nsel-2016,m02,{app},base,{base},{}\n",
            Store::open(&db)
                .unwrap()
                .reviews("sel-2016")
                .unwrap()
                .into_iter()
                .find(|r| r.member == "m02" && r.application == app)
                .unwrap()
                .scores
                .into_iter()
                .find(|s| s.criterion == "base")
                .unwrap()
                .comment
        ),
    )
    .unwrap();
    let out = jury(&db, &["import", sheet.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn verify_catches_edits_to_what_decides_recusal_and_eligibility(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    sql(
        &db,
        "UPDATE members SET home_prefecture = 'yueyang' WHERE id = 'm06'",
    );
    assert!(
        !verify_ok(&db),
        "a member's home prefecture decides recusal"
    );
    let Some((_dir2, db2)) = sample_on(engine) else {
        return;
    };
    sql(
        &db2,
        "UPDATE applications SET government_approval = 1 WHERE id = 'county-luxi'",
    );
    assert!(
        !verify_ok(&db2),
        "an application's approval decides eligibility"
    );
}
