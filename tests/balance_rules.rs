//! Ranks, ties and direct inclusions on real databases built from the
//! sample: one rank per application in the matrix, the list, the export and
//! the finalised decision; a tie settled by a sub-score marked with it; a
//! direct inclusion counted toward its 市州's cap and its region's floor
//! (or not) as the tier says, at selection and at promotion alike; the
//! internal export with every application and its reason; the fallback
//! mark of an untrimmed z-score.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The sample at selection with every review in (the findings' database).
fn selection_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sel.db");
    let out = jury(&db, &["demo", "--stage", "selection", "--complete"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, db)
}

fn run_json(db: &Path, args: &[&str]) -> Value {
    let out = jury(db, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    json(&out)
}

fn lines(propose: &Value) -> Vec<&Value> {
    propose["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["lines"].as_array().unwrap())
        .collect()
}

fn line<'a>(propose: &'a Value, app: &str) -> &'a Value {
    lines(propose)
        .into_iter()
        .find(|l| l["app"] == app)
        .unwrap_or_else(|| panic!("{app} not on the list"))
}

fn rules_of(l: &Value) -> Vec<&str> {
    l["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect()
}

/// Imports a changed copy of a sample file (the importer replaces the
/// stored record and logs the change).
fn import_changed(db: &Path, dir: &Path, file: &str, edit: impl Fn(String) -> String) {
    let text = std::fs::read_to_string(sample_dir().join(file)).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "{file}: the edit changed nothing");
    let path = dir.join(Path::new(file).file_name().unwrap());
    std::fs::write(&path, changed).unwrap();
    let out = jury(db, &["import", path.to_str().unwrap()]);
    assert!(out.status.success(), "import {file}: {}", stderr(&out));
}

/// The county tier's line `key = true` of the sample call, set to false.
fn county_rule_off(db: &Path, dir: &Path, key: &str) {
    import_changed(db, dir, "call.toml", |t| {
        t.replace(&format!("{key} = true"), &format!("{key} = false"))
    });
}

#[test]
fn a_tie_settled_by_a_sub_score_is_marked_with_it_in_list_and_matrix() {
    let (_dir, db) = selection_db();
    // Under the median, 岳阳–临湘 and 郴资桂 both score 80.5; the investment
    // sub-score (17.10 against 15.92) puts 岳阳–临湘 ahead.
    let p = run_json(&db, &["propose", "--json", "--method", "median"]);
    let (yue, chen) = (
        line(&p, "cluster-yueyang-linxiang"),
        line(&p, "cluster-chenzizgui"),
    );
    assert_eq!(yue["score"], chen["score"]);
    assert_eq!(
        (yue["rank"].as_u64(), chen["rank"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(
        (yue["tie"].as_bool(), chen["tie"].as_bool()),
        (Some(false), Some(false))
    );
    let broken = yue["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "tie_broken")
        .unwrap_or_else(|| panic!("no tie mark: {yue}"));
    assert_eq!(broken["with"], "cluster-chenzizgui");
    assert_eq!(broken["criterion"], "investment");
    let (own, other) = (
        broken["own"].as_f64().unwrap(),
        broken["other"].as_f64().unwrap(),
    );
    assert_eq!(
        (format!("{own:.2}"), format!("{other:.2}")),
        ("17.10".into(), "15.92".into())
    );
    assert!(rules_of(chen).contains(&"tie_broken"), "{chen}");
    // The matrix ranks them the same way.
    let m = run_json(&db, &["matrix", "--json", "--method", "median"]);
    let rank = |app: &str| {
        m["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["app"] == app)
            .unwrap()["rank"]
            .as_u64()
    };
    assert_eq!(
        (rank("cluster-yueyang-linxiang"), rank("cluster-chenzizgui")),
        (Some(2), Some(3))
    );
    // The text says which sub-score settled it, in both languages.
    let csv = |lang: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("l.csv");
        let o = std::process::Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(["--lang", lang, "export", "--method", "median", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(std::fs::read(out).unwrap()).unwrap()
    };
    assert!(
        csv("zh").contains("与郴资桂城镇群同分,以「重点任务与投资计划」分项 17.10 对 15.92 排定"),
        "{}",
        csv("zh")
    );
    assert!(
        csv("en").contains("settled by the Key tasks and investment plan sub-score 17.10 vs 15.92")
    );
}

#[test]
fn one_rank_in_the_matrix_the_list_the_export_and_the_decision() {
    let (dir, db) = selection_db();
    for method in ["trimmed_mean", "mean", "median", "z_score"] {
        let m = run_json(&db, &["matrix", "--json", "--method", method]);
        let p = run_json(&db, &["propose", "--json", "--method", method]);
        for row in m["rows"].as_array().unwrap() {
            let l = line(&p, row["app"].as_str().unwrap());
            assert_eq!(row["rank"], l["rank"], "{method}: {}", row["app"]);
            // Ineligible and directly-included applications are unranked.
            if row["verdict"] != "eligible" {
                assert!(
                    row["rank"].is_null() && row["adjusted_rank"].is_null(),
                    "{row}"
                );
            }
        }
    }
    // Under the mean, 沅江 (64.67) is below the minimum of 65: ranked 9, not
    // selected, for that reason.
    let p = run_json(&db, &["propose", "--json", "--method", "mean"]);
    let yuanjiang = line(&p, "county-yuanjiang");
    assert_eq!(yuanjiang["rank"].as_u64(), Some(9));
    assert_eq!(yuanjiang["outcome"], "not_selected");
    assert_eq!(rules_of(yuanjiang), ["below_minimum"]);
    // Trimmed mean (the default): the export and the finalised rationale
    // carry the list's rank.
    let p = run_json(&db, &["propose", "--json"]);
    let out = dir.path().join("l.json");
    assert!(
        jury(&db, &["export", "--out", out.to_str().unwrap()])
            .status
            .success()
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    for t in doc["tiers"].as_array().unwrap() {
        for l in t["lines"].as_array().unwrap() {
            assert_eq!(
                l["rank"],
                line(&p, l["application"].as_str().unwrap())["rank"]
            );
        }
    }
    assert!(jury(&db, &["advance"]).status.success());
    let out = jury(&db, &["finalise"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = jury::store::Store::open(&db).unwrap();
    for d in store.decisions("sel-2016").unwrap() {
        let rank = line(&p, &d.application)["rank"].as_u64();
        let stated = d.rationale.split(';').find_map(|part| {
            part.strip_prefix("层级内第 ")?
                .strip_suffix(" 名")?
                .parse()
                .ok()
        });
        assert_eq!(stated, rank, "{}: {}", d.application, d.rationale);
    }
}

#[test]
fn a_direct_inclusion_holds_its_prefectures_cap_at_selection_as_the_tier_says() {
    // F1: 醴陵 (76.0) moved into 永州, where 祁阳 is included directly; its
    // region kept, so that only the cap is in play.
    let (dir, db) = selection_db();
    import_changed(&db, dir.path(), "applications/county-liling.toml", |t| {
        t.replace(
            "prefecture = \"株洲\"",
            "prefecture = \"永州\"\nregion = \"core\"",
        )
    });
    let p = run_json(&db, &["propose", "--json"]);
    let liling = line(&p, "county-liling");
    assert_ne!(liling["outcome"], "selected", "{liling}");
    let cap = &liling["reasons"][0];
    assert_eq!(
        (&cap["rule"], &cap["prefecture"]),
        (&Value::from("prefecture_cap"), &Value::from("yongzhou"))
    );
    county_rule_off(&db, dir.path(), "direct_counts_toward_cap");
    let p = run_json(&db, &["propose", "--json"]);
    let liling = line(&p, "county-liling");
    assert_eq!(
        (&liling["outcome"], &liling["basis"]),
        (&Value::from("selected"), &Value::from("by_score"))
    );
}

#[test]
fn a_direct_inclusion_fills_its_regions_floor_as_the_tier_says() {
    // F2: 涟源 (70.125) moved into 京广, the region of 耒阳 and 祁阳.
    let (dir, db) = selection_db();
    import_changed(&db, dir.path(), "applications/county-lianyuan.toml", |t| {
        t.replace(
            "prefecture = \"娄底\"",
            "prefecture = \"娄底\"\nregion = \"belt_jingguang\"",
        )
    });
    let p = run_json(&db, &["propose", "--json"]);
    assert_eq!(line(&p, "county-liling")["outcome"], "selected");
    assert!(!rules_of(line(&p, "county-lianyuan")).contains(&"region_floor"));
    county_rule_off(&db, dir.path(), "direct_fills_region_floor");
    let p = run_json(&db, &["propose", "--json"]);
    let lianyuan = line(&p, "county-lianyuan");
    assert_eq!(lianyuan["outcome"], "selected");
    assert_eq!(rules_of(lianyuan), ["region_floor"]);
    let liling = line(&p, "county-liling");
    assert_eq!(liling["outcome"], "reserve");
    assert_eq!(rules_of(liling), ["displaced_by_floor"]);
}

#[test]
fn a_direct_pilot_holds_its_prefectures_cap_at_promotion_as_the_tier_says() {
    // F1 at promotion: 湘乡 moved into 永州 (祁阳's, included directly);
    // 汨罗 exits in 2019.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    assert!(jury(&db, &["demo", "--complete"]).status.success());
    import_changed(
        &db,
        dir.path(),
        "applications/county-xiangxiang.toml",
        |t| {
            t.replace(
                "prefecture = \"湘潭\"",
                "prefecture = \"永州\"\nregion = \"core\"",
            )
        },
    );
    let p = run_json(&db, &["propose", "--json"]);
    let miluo = line(&p, "county-miluo");
    assert_eq!(miluo["outcome"], "exited");
    let skipped: Vec<&Value> = miluo["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "reserve_skipped")
        .collect();
    assert!(
        skipped
            .iter()
            .any(|r| r["app"] == "county-xiangxiang" && r["prefecture"] == "yongzhou"),
        "{miluo}"
    );
    assert!(rules_of(miluo).contains(&"no_reserve"), "{miluo}");
    county_rule_off(&db, dir.path(), "direct_counts_toward_cap");
    let p = run_json(&db, &["propose", "--json"]);
    assert_eq!(line(&p, "county-xiangxiang")["outcome"], "promoted");
}

#[test]
fn the_internal_export_lists_every_application_with_its_reason() {
    let (dir, db) = selection_db();
    let out = dir.path().join("l.json");
    assert!(
        jury(
            &db,
            &["export", "--method", "mean", "--out", out.to_str().unwrap()]
        )
        .status
        .success()
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let all: Vec<&Value> = doc["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["lines"].as_array().unwrap())
        .collect();
    assert_eq!(all.len(), 36, "every application");
    let remark = |app: &str| {
        all.iter()
            .find(|l| l["application"] == app)
            .unwrap_or_else(|| panic!("{app} missing"))["remarks"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        remark("county-luxi"),
        "ineligible: failed approved by the same-level government"
    );
    assert_eq!(remark("county-yuanjiang"), "below the minimum score 65");
    assert_eq!(remark("town-xiangtan-huashi"), "quota filled");
    assert!(
        all.iter()
            .filter(|l| l["outcome"] == "not selected")
            .all(|l| !l["remarks"].as_str().unwrap().is_empty()),
        "every line not selected says why"
    );
    // The public list stays the selected names.
    let out = dir.path().join("p.json");
    assert!(
        jury(&db, &["export", "--public", "--out", out.to_str().unwrap()])
            .status
            .success()
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    for t in doc["tiers"].as_array().unwrap() {
        for l in t["lines"].as_array().unwrap() {
            assert_eq!(l["outcome"], "selected", "{l}");
            assert!(l["score"].is_null() && l["rank"].is_null() && l["remarks"] == "");
        }
    }
}

#[test]
fn a_z_score_of_fewer_than_5_reviews_is_marked_like_a_trimmed_mean() {
    // 新宁崀山 has 4 reviews: neither method can trim, both say so.
    let (_dir, db) = selection_db();
    for method in ["trimmed_mean", "z_score"] {
        let m = run_json(&db, &["matrix", "--json", "--method", method]);
        for row in m["rows"].as_array().unwrap() {
            let Some(reviews) = row["aggregate"]["reviews"].as_u64() else {
                continue;
            };
            assert_eq!(
                row["aggregate"]["fell_back"].as_bool(),
                Some(reviews < 5),
                "{method}: {}",
                row["app"]
            );
        }
        let out = jury(&db, &["matrix", "--method", method]);
        let text = stdout(&out);
        let line = text
            .lines()
            .find(|l| l.contains("Xinning") || l.contains("新宁县崀山镇"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(line.contains('*'), "{method}: {line}");
        assert!(
            text.contains("fewer than 5 reviews"),
            "{method}: the legend"
        );
    }
}

#[test]
fn the_sample_selection_has_an_application_to_discuss() {
    // F9: m03's review of 长株潭 (76.5 against 90.5–98.5) spreads it past the
    // call's range of 20; nothing else passes either threshold, and it stays
    // first in its tier under every method.
    let (_dir, db) = selection_db();
    for method in ["trimmed_mean", "mean", "median", "z_score"] {
        let m = run_json(&db, &["matrix", "--json", "--method", method]);
        let flagged: Vec<&Value> = m["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["disputed"] == true)
            .collect();
        assert_eq!(flagged.len(), 1, "{method}");
        let row = flagged[0];
        assert_eq!(row["app"], "cluster-changzhutan");
        assert_eq!(row["aggregate"]["range"].as_f64(), Some(22.0));
        assert_eq!(row["rank"].as_u64(), Some(1), "{method}");
    }
}
