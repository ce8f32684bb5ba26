//! Every message in the interface's language (issue 11): real commands run
//! with `--lang zh` get the store's refusals, import errors and unknown
//! members in Chinese, and with `--lang en` in English.

mod common;
use common::*;
use std::path::Path;
use std::process::Output;

/// `jury --db DB --lang LANG ARGS`.
fn jury_in(lang: &str, db: &Path, args: &[&str]) -> Output {
    std::process::Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["--lang", lang])
        .args(args)
        .env_remove("JURY_DB")
        .output()
        .unwrap()
}

/// Runs `args` in both languages; each must fail and change nothing.
/// Returns (Chinese stderr, English stderr).
fn refused_in_both(db: &Path, args: &[&str]) -> (String, String) {
    let before = snapshot(db);
    let zh = jury_in("zh", db, args);
    let en = jury_in("en", db, args);
    assert!(!zh.status.success(), "zh: {}", stdout(&zh));
    assert!(!en.status.success(), "en: {}", stdout(&en));
    assert_eq!(snapshot(db), before, "a refused command changed nothing");
    (stderr(&zh), stderr(&en))
}

/// Whether `text` holds any Chinese character.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn a_store_refusal_comes_in_the_interface_language() {
    let (dir, db) = sample_db();
    let o = jury_in("zh", &db, &["--as", "m01", "advance"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let late = dir.path().join("late.csv");
    std::fs::write(
        &late,
        "round,member,application,criterion,value\nsel-2016,m06,county-miluo,base,1\n",
    )
    .unwrap();
    let (zh, en) = refused_in_both(&db, &["import", late.to_str().unwrap()]);
    assert!(zh.contains("导入失败,数据库未作任何修改"), "{zh}");
    assert!(
        zh.contains("late.csv:2: 本轮(sel-2016)已进入合议,不再接受评分"),
        "{zh}"
    );
    assert!(!zh.contains("no longer takes scores"), "{zh}");
    assert!(
        en.contains("late.csv:2: round sel-2016 is in deliberation and no longer takes scores"),
        "{en}"
    );
    assert!(!has_chinese(&en), "{en}");

    // The secretary's lifecycle refusals too.
    let (zh, en) = refused_in_both(&db, &["--as", "m01", "advance"]);
    assert!(
        zh.contains("本轮(sel-2016)已进入合议:须定案才能继续"),
        "{zh}"
    );
    assert!(
        en.contains("the round is in deliberation: finalise it to go on"),
        "{en}"
    );
    assert!(!has_chinese(&en), "{en}");
    let (zh, en) = refused_in_both(&db, &["--as", "m01", "reopen-round", "--round", "sel-2016"]);
    assert!(zh.contains("本轮(sel-2016)尚未定案"), "{zh}");
    assert!(en.contains("round sel-2016 is not finalised"), "{en}");
}

#[test]
fn a_submitted_review_is_refused_in_the_interface_language() {
    let (dir, db) = sample_db();
    // m02 submitted their review of some application in the sample: find one.
    let store = jury::store::Store::open(&db).unwrap();
    let review = store
        .reviews("sel-2016")
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m02" && r.status == jury::domain::ReviewStatus::Submitted)
        .expect("a submitted review of m02's in the sample");
    drop(store);
    let sheet = dir.path().join("change.csv");
    std::fs::write(
        &sheet,
        format!(
            "round,member,application,criterion,value,status\nsel-2016,m02,{},base,0,draft\n",
            review.application
        ),
    )
    .unwrap();
    let (zh, en) = refused_in_both(&db, &["import", sheet.to_str().unwrap()]);
    assert!(
        zh.contains(&format!(
            "m02 对 {} 的评分已提交:如需修改请先在 jury 中撤回提交",
            review.application
        )),
        "{zh}"
    );
    assert!(
        en.contains(&format!(
            "the review of {} by m02 is submitted: reopen it in jury before changing it",
            review.application
        )),
        "{en}"
    );
}

#[test]
fn an_import_error_comes_in_the_interface_language() {
    let (dir, db) = sample_db();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "round,member,application,criterion,value\nsel-2016,m06,county-miluo,base,8\nsel-2016,m06,county-miluo,features,abc\n",
    )
    .unwrap();
    let (zh, en) = refused_in_both(&db, &["import", bad.to_str().unwrap()]);
    // The place stays as written; what was expected is in the language.
    assert!(
        zh.contains("bad.csv:3: field value: 应为数字,如 21.5(用小数点,不用逗号),实际为 \"abc\""),
        "{zh}"
    );
    assert!(!zh.contains("expected"), "{zh}");
    assert!(
        en.contains(
            "bad.csv:3: field value: expected a number such as 21.5 (decimal point, not comma), found \"abc\""
        ),
        "{en}"
    );
    assert!(!has_chinese(&en), "{en}");

    // An unknown file kind, and a header nobody recognises.
    let odd = dir.path().join("notes.pdf");
    std::fs::write(&odd, "x").unwrap();
    let (zh, en) = refused_in_both(&db, &["import", odd.to_str().unwrap()]);
    assert!(zh.contains("应为 .toml、.csv 或 .xlsx 文件"), "{zh}");
    assert!(en.contains("expected a .toml, .csv or .xlsx file"), "{en}");
    let header = dir.path().join("header.csv");
    std::fs::write(&header, "a,b\n1,2\n").unwrap();
    let (zh, en) = refused_in_both(&db, &["import", header.to_str().unwrap()]);
    assert!(zh.contains("header.csv:1: 无法识别的表头"), "{zh}");
    assert!(en.contains("header.csv:1: unrecognised header"), "{en}");
}

#[test]
fn an_unknown_member_is_named_in_the_interface_language() {
    let (_dir, db) = sample_db();
    let (zh, en) = refused_in_both(&db, &["--as", "m99", "status"]);
    assert!(zh.contains("错误: --as: 没有此成员 \"m99\""), "{zh}");
    assert!(en.contains("error: --as: no member \"m99\""), "{en}");
    assert!(!has_chinese(&en), "{en}");
}

#[test]
fn the_command_lines_value_errors_come_in_the_interface_language() {
    let (_dir, db) = sample_db();
    // Read before `--lang` reaches the faces: the value parsers say it too.
    let (zh, en) = refused_in_both(&db, &["matrix", "--method", "vote"]);
    assert!(zh.contains("应为 trimmed_mean(去掉最高最低后平均)"), "{zh}");
    assert!(
        en.contains("expected trimmed_mean, mean, median or z_score"),
        "{en}"
    );
    // A secretary's refusal without the process language: `--format`.
    let (zh, en) = refused_in_both(&db, &["export", "--out", "list.pdf"]);
    assert!(zh.contains("--format: 请指明格式"), "{zh}");
    assert!(
        en.contains("--format: give one (csv, xlsx, json, md)"),
        "{en}"
    );
}
