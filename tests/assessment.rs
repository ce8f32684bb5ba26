//! Annual assessment and dynamic management on the sample history: grades
//! by the call's bands, a warning with its deadline, exit after two failing
//! years or a failed mid-term, a reserve promoted into the freed place,
//! investment actuals against the plan, and the results exported.

mod common;
use common::*;
use serde_json::Value;

/// The sample history (`jury demo`) in a fresh place on `engine`; None when
/// the PostgreSQL half is skipped.
fn history_on(engine: Engine) -> Option<(Place, std::path::PathBuf)> {
    let place = place(engine)?;
    let db = place.db.clone();
    let out = jury(&db, &["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    Some((place, db))
}

/// `jury --lang zh ARGS` (the common helper runs in English).
fn jury_zh(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["--lang", "zh"])
        .args(args)
        .env_remove("JURY_DB")
        .output()
        .unwrap()
}

fn decision(db: &std::path::Path, round: &str, app: &str) -> jury::domain::Decision {
    let store = jury::store::Store::open(db).unwrap();
    store
        .decisions(round)
        .unwrap()
        .into_iter()
        .find(|d| d.application == app)
        .unwrap_or_else(|| panic!("no decision on {app} in {round}"))
}

fn line<'a>(propose: &'a Value, app: &str) -> &'a Value {
    propose["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["lines"].as_array().unwrap())
        .find(|l| l["app"] == app)
        .unwrap_or_else(|| panic!("{app} not on the list"))
}

on_both_engines!(
    the_sample_history_holds_grades_warnings_exits_and_promotions,
    a_second_failing_year_is_proposed_for_exit_with_the_reserve_replacing_it,
    overrides_of_an_assessment_are_its_own_outcomes_and_keep_the_reserve_out,
    actuals_come_in_by_csv_and_show_as_completion_against_the_plan,
    assessment_results_export_with_grades_and_deadlines,
    actuals_come_in_from_a_workbook_too,
    rounds_go_in_order_and_stay_put_once_later_ones_rest_on_them,
    an_assessment_override_is_for_its_pilots_and_not_by_the_recused,
);

fn the_sample_history_holds_grades_warnings_exits_and_promotions(engine: Engine) {
    use jury::domain::Outcome;
    let Some((_dir, db)) = history_on(engine) else {
        return;
    };
    // 2017: 汨罗市 fails, and is warned to rectify within six months of the
    // round's closing date (2018-03-31).
    let d = decision(&db, "asm-2017", "county-miluo");
    assert_eq!(d.outcome, Some(Outcome::Warned));
    assert_eq!(d.grade.as_deref(), Some("不合格"));
    assert_eq!(
        d.due_on.map(|d| d.to_string()).as_deref(),
        Some("2018-09-30")
    );
    assert!(
        d.rationale.contains("限期 2018-09-30 前整改"),
        "{}",
        d.rationale
    );
    // 2018 (mid-term): 新化县水车镇 fails and exits at once. The best town
    // reserve, 龙山县里耶镇, is passed over (湘西州 already holds the town
    // cap of one) and 石门县壶瓶山镇 takes the place.
    let d = decision(&db, "asm-2018", "town-xinhua-shuiche");
    assert_eq!(d.outcome, Some(Outcome::Exited));
    assert!(d.rationale.contains("中期评估不合格"), "{}", d.rationale);
    assert!(
        d.rationale
            .contains("龙山县里耶镇未递补:湘西州已达每市州上限 1 个")
            && d.rationale.contains("名额由石门县壶瓶山镇递补"),
        "{}",
        d.rationale
    );
    let d = decision(&db, "asm-2018", "town-shimen-hupingshan");
    assert_eq!(d.outcome, Some(Outcome::Promoted));
    assert_eq!(d.score, None, "a promotion is not scored in the round");
    // 汨罗市 passed 2018, so it went on.
    let d = decision(&db, "asm-2018", "county-miluo");
    assert_eq!(d.outcome, Some(Outcome::Continued));
    assert_eq!(d.grade.as_deref(), Some("合格"));
    // 2019 is being scored, over the pilots as they now stand.
    let store = jury::store::Store::open(&db).unwrap();
    let assigned: std::collections::BTreeSet<String> = store
        .assignments("asm-2019")
        .unwrap()
        .into_iter()
        .map(|a| a.application)
        .collect();
    assert!(assigned.contains("town-shimen-hupingshan"));
    assert!(!assigned.contains("town-longshan-liye"));
    assert!(!assigned.contains("town-xinhua-shuiche"));
    assert_eq!(assigned.len(), 19);
    drop(store);
    assert!(jury(&db, &["verify"]).status.success());
}

fn a_second_failing_year_is_proposed_for_exit_with_the_reserve_replacing_it(engine: Engine) {
    let Some((dir, db)) = history_on(engine) else {
        return;
    };
    assert!(jury(&db, &["demo", "--complete"]).status.success());
    // The operator's view (the secretary, m01, is recused from 长沙's).
    let p = json(&jury(&db, &["propose", "--json"]));
    assert_eq!(p["round"], "asm-2019");
    let miluo = line(&p, "county-miluo");
    assert_eq!(miluo["outcome"], "exited");
    assert_eq!(miluo["grade"], "不合格");
    let reasons = miluo["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r["rule"] == "repeated_failure"
                && r["years"] == serde_json::json!([2017, 2019])),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r["rule"] == "replaced_by" && r["by"] == "county-xiangxiang")
    );
    // 宁乡县 scored better, but 长沙 already holds the county cap (浏阳市).
    assert!(
        reasons
            .iter()
            .any(|r| r["rule"] == "reserve_skipped" && r["app"] == "county-ningxiang")
    );
    let xiangxiang = line(&p, "county-xiangxiang");
    assert_eq!(xiangxiang["outcome"], "promoted");
    assert_eq!(xiangxiang["reasons"][0]["exited"], "county-miluo");
    let on_list = |app: &str| {
        p["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["lines"].as_array().unwrap())
            .any(|l| l["app"] == app)
    };
    assert!(!on_list("county-ningxiang"), "passed over, still a reserve");

    // Decided: the round is finalised, and the 2020 assessment takes the
    // pilots as they now stand.
    assert!(jury(&db, &["--as", "m01", "advance"]).status.success());
    let out = jury(&db, &["--as", "m01", "finalise"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let d = decision(&db, "asm-2019", "county-miluo");
    assert_eq!(d.outcome, Some(jury::domain::Outcome::Exited));
    assert!(d.score.is_some_and(|s| s < 60.0));
    let out = jury(&db, &["--as", "m01", "assess", "--year", "2020"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = jury::store::Store::open(&db).unwrap();
    let pilots: std::collections::BTreeSet<String> = store
        .assignments("asm-2020")
        .unwrap()
        .into_iter()
        .map(|a| a.application)
        .collect();
    assert!(pilots.contains("county-xiangxiang") && pilots.contains("town-shimen-hupingshan"));
    assert!(!pilots.contains("county-ningxiang") && !pilots.contains("town-longshan-liye"));
    assert!(!pilots.contains("county-miluo") && !pilots.contains("town-xinhua-shuiche"));
    assert_eq!(pilots.len(), 19);
    drop(store);
    // A year already opened is refused, and so is a reviewer opening one.
    assert!(
        !jury(&db, &["--as", "m01", "assess", "--year", "2020"])
            .status
            .success()
    );
    assert!(
        !jury(&db, &["--as", "m05", "assess", "--year", "2021"])
            .status
            .success()
    );
    let _ = dir;
    assert!(jury(&db, &["verify"]).status.success());
}

fn overrides_of_an_assessment_are_its_own_outcomes_and_keep_the_reserve_out(engine: Engine) {
    let Some((_dir, db)) = history_on(engine) else {
        return;
    };
    assert!(jury(&db, &["demo", "--complete"]).status.success());
    assert!(jury(&db, &["--as", "m01", "advance"]).status.success());
    let before = snapshot(&db);
    let out = jury(
        &db,
        &[
            "--as",
            "m01",
            "override",
            "county-miluo",
            "--outcome",
            "selected",
            "--reason",
            "x",
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("continued, warned or exited"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&db), before);
    let out = jury(
        &db,
        &[
            "--as",
            "m01",
            "override",
            "county-miluo",
            "--outcome",
            "warned",
            "--reason",
            "整改方案已获省里批复",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let p = json(&jury(&db, &["propose", "--json"]));
    let miluo = line(&p, "county-miluo");
    assert_eq!(miluo["outcome"], "warned");
    assert_eq!(miluo["due_on"], "2020-09-30");
    assert!(
        !p["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["lines"].as_array().unwrap())
            .any(|l| l["outcome"] == "promoted"),
        "no promotion without an exit"
    );
}

fn actuals_come_in_by_csv_and_show_as_completion_against_the_plan(engine: Engine) {
    let Some((dir, db)) = history_on(engine) else {
        return;
    };
    let m = json(&jury(&db, &["--as", "m01", "matrix", "--json"]));
    let row = m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["app"] == "county-miluo")
        .unwrap();
    // The sample: 汨罗市 completed 38% of its 2019 plan.
    let rate = row["completion"].as_f64().unwrap();
    assert!((rate - 0.38).abs() < 0.005, "{rate}");

    // A bad year, a negative amount and an unknown pilot: each named, and
    // nothing changes.
    let before = snapshot(&db);
    let file = dir.path().join("actuals.csv");
    std::fs::write(
        &file,
        "申报主体编号,年度,实际完成投资\ncounty-miluo,二〇一九,3.0\ncounty-miluo,2019,-1\n",
    )
    .unwrap();
    let out = jury(&db, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("actuals.csv:2: field year"), "{err}");
    assert!(err.contains("actuals.csv:3: field actual"), "{err}");
    std::fs::write(&file, "application,year,actual\ncounty-nowhere,2019,3.0\n").unwrap();
    let out = jury(&db, &["import", file.to_str().unwrap()]);
    assert!(stderr(&out).contains("actuals.csv:2"), "{}", stderr(&out));
    assert_eq!(snapshot(&db), before);

    // A correction is an audited update, and the matrix follows it.
    std::fs::write(&file, "application,year,actual\ncounty-miluo,2019,11.7\n").unwrap();
    assert!(
        jury(&db, &["import", file.to_str().unwrap()])
            .status
            .success()
    );
    let m = json(&jury(&db, &["--as", "m01", "matrix", "--json"]));
    let row = m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["app"] == "county-miluo")
        .unwrap();
    let store = jury::store::Store::open(&db).unwrap();
    let planned = store
        .application("county-miluo")
        .unwrap()
        .unwrap()
        .plan_by_year()[&2019];
    drop(store);
    let rate = row["completion"].as_f64().unwrap();
    assert!(
        (rate - 11.7 / planned).abs() < 0.001,
        "{rate} vs {}",
        11.7 / planned
    );
    assert!(jury(&db, &["verify"]).status.success());
}

fn assessment_results_export_with_grades_and_deadlines(engine: Engine) {
    use calamine::Reader;
    let Some((dir, db)) = history_on(engine) else {
        return;
    };
    let csv = dir.path().join("asm-2017.csv");
    let out = jury_zh(
        &db,
        &[
            "--as",
            "m01",
            "export",
            "--round",
            "asm-2017",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        head,
        [
            "序号",
            "试点",
            "市州",
            "层级",
            "综合得分",
            "层级内排名",
            "考核等次",
            "投资完成率",
            "结果",
            "整改期限",
            "回避",
            "备注"
        ]
    );
    let records: Vec<csv::StringRecord> = rows
        .records()
        .map(Result::unwrap)
        .filter(|r| !r[0].starts_with("审计链头"))
        .collect();
    assert_eq!(records.len(), 19, "every pilot assessed");
    let miluo = records.iter().find(|r| &r[1] == "汨罗市").unwrap();
    assert_eq!(
        (&miluo[6], &miluo[8], &miluo[9]),
        ("不合格", "限期整改", "2018-09-30")
    );
    assert_eq!(&miluo[7], "46%");

    // The public results: grade and outcome, no scores.
    let md = dir.path().join("asm-2018.md");
    let out = jury_zh(
        &db,
        &[
            "--as",
            "m01",
            "export",
            "--round",
            "asm-2018",
            "--public",
            "--out",
            md.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("| 考核等次 | 结果 |"), "{md}");
    assert!(
        md.contains("新化县水车镇 | 娄底 | 不合格 | 退出试点"),
        "{md}"
    );
    assert!(md.contains("石门县壶瓶山镇 | 常德 |  | 递补入选"), "{md}");

    // The workbook: sheets per tier, numbers as numbers, Chinese intact.
    let xlsx = dir.path().join("asm-2017.xlsx");
    let out = jury_zh(
        &db,
        &[
            "--as",
            "m01",
            "export",
            "--round",
            "asm-2017",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "城镇群", "县(县级市)", "镇"]);
    let sheet = book.worksheet_range("县(县级市)").unwrap();
    let miluo = sheet.rows().find(|r| r[1] == "汨罗市").unwrap();
    assert!(
        matches!(miluo[4], calamine::Data::Float(_)),
        "{:?}",
        miluo[4]
    );
    assert_eq!(miluo[6].to_string(), "不合格");
}

fn actuals_come_in_from_a_workbook_too(engine: Engine) {
    let Some((dir, db)) = history_on(engine) else {
        return;
    };
    let path = dir.path().join("实际投资.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("2019年").unwrap();
    for (c, h) in ["申报主体编号", "年度", "实际完成投资"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "county-cili").unwrap();
    sheet.write_number(1, 1, 2019.0).unwrap();
    sheet.write_number(1, 2, 6.25).unwrap();
    book.save(&path).unwrap();
    let out = jury(&db, &["import", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = jury::store::Store::open(&db).unwrap();
    assert_eq!(
        store.actuals("county-cili").unwrap().get(&2019),
        Some(&6.25)
    );
}

fn rounds_go_in_order_and_stay_put_once_later_ones_rest_on_them(engine: Engine) {
    let Some((_dir, db)) = history_on(engine) else {
        return;
    };
    let before = snapshot(&db);
    // 2019 is still being scored: 2020 cannot be opened on a guess.
    let out = jury(&db, &["assess", "--year", "2020"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("asm-2019"), "{}", stderr(&out));
    // Years outside the call's pilot period, however large, are refused.
    for year in ["2016", "2021", "2147483647"] {
        let out = jury(&db, &["assess", "--year", year]);
        assert!(!out.status.success(), "{year}");
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.contains("2017–2020") || err.contains("out of range"),
            "{year}: {err}"
        );
    }
    // 2018's decisions (an exit, a promotion) carry 2019: no reopening it.
    let out = jury(&db, &["reopen-round", "--round", "asm-2018"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("later rounds"), "{}", stderr(&out));
    let out = jury(&db, &["reopen-round", "--round", "sel-2016"]);
    assert!(!out.status.success());
    assert_eq!(snapshot(&db), before);
}

fn an_assessment_override_is_for_its_pilots_and_not_by_the_recused(engine: Engine) {
    let Some((_dir, db)) = history_on(engine) else {
        return;
    };
    assert!(jury(&db, &["demo", "--complete"]).status.success());
    assert!(jury(&db, &["--as", "m01", "advance"]).status.success());
    let before = snapshot(&db);
    // A reserve is not assessed: there is no outcome of it to override.
    let out = jury(
        &db,
        &[
            "--as",
            "m01",
            "override",
            "county-xiangxiang",
            "--outcome",
            "exited",
            "--reason",
            "x",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not assessed"), "{}", stderr(&out));
    // m01 is from 长沙: recused from 浏阳市, so may not decide on it.
    let out = jury(
        &db,
        &[
            "--as",
            "m01",
            "override",
            "county-liuyang",
            "--outcome",
            "warned",
            "--reason",
            "x",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("recused"), "{}", stderr(&out));
    let out = jury(&db, &["--as", "m01", "discuss", "county-liuyang"]);
    assert!(!out.status.success());
    assert_eq!(snapshot(&db), before);
    // m07, the other secretary, may.
    let out = jury(
        &db,
        &[
            "--as",
            "m07",
            "override",
            "county-liuyang",
            "--outcome",
            "warned",
            "--reason",
            "整改",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}
