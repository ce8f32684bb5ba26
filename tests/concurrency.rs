//! Seven reviewer processes and a secretary on one database file, writing
//! at once: no lost update, no "database is locked", the chain intact.

mod common;
use common::*;
use std::collections::BTreeMap;

#[test]
fn a_panel_writing_at_once_loses_nothing() {
    let (dir, db) = sample_db();
    // Each reviewer process imports one sheet per application, in turn,
    // while the others do the same and the secretary marks discussions.
    let plan: BTreeMap<&str, Vec<&str>> = BTreeMap::from([
        (
            "m05",
            vec![
                "town-jianghua-taoxu",
                "town-shimen-hupingshan",
                "town-youxian-wangling",
                "town-xinhua-shuiche",
            ],
        ),
        (
            "m06",
            vec![
                "county-miluo",
                "county-liuyang",
                "town-liuyang-dayao",
                "county-xiangxiang",
            ],
        ),
        (
            "m07",
            vec![
                "county-miluo",
                "county-shaodong",
                "town-huayuan-biancheng",
                "county-cili",
            ],
        ),
    ]);
    let mut handles = Vec::new();
    for (member, apps) in plan.clone() {
        let db = db.clone();
        let dir = dir.path().to_path_buf();
        handles.push(std::thread::spawn(move || {
            for (i, app) in apps.iter().enumerate() {
                let sheet = dir.join(format!("{member}-{app}.csv"));
                let mut text = String::from("round,member,application,criterion,value,status\n");
                for (c, max) in [
                    ("base", 25.0),
                    ("features", 10.0),
                    ("approach", 20.0),
                    ("targets", 10.0),
                    ("investment", 20.0),
                    ("safeguards", 15.0),
                ] {
                    text.push_str(&format!(
                        "sel-2016,{member},{app},{c},{},submitted\n",
                        max - 1.0 - i as f64 * 0.5
                    ));
                }
                std::fs::write(&sheet, text).unwrap();
                let out = jury(&db, &["import", sheet.to_str().unwrap()]);
                assert!(out.status.success(), "{member} {app}: {}", stderr(&out));
                assert!(!stderr(&out).contains("locked"));
            }
        }));
    }
    for app in [
        "county-miluo",
        "county-shaodong",
        "county-cili",
        "town-anhua-jiangnan",
        "county-xiangxiang",
    ] {
        let db = db.clone();
        handles.push(std::thread::spawn(move || {
            let out = jury(&db, &["discuss", app, "--note", "并发测试"]);
            assert!(out.status.success(), "{app}: {}", stderr(&out));
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    let status = json(&jury(&db, &["status", "--json"]));
    let reviews = status["rounds"][0]["reviews"].as_array().unwrap();
    for (member, apps) in plan {
        for (i, app) in apps.iter().enumerate() {
            let r = reviews
                .iter()
                .find(|r| r["member"] == member && r["application"] == *app)
                .unwrap_or_else(|| panic!("{member} {app} lost"));
            assert_eq!(r["status"], "submitted");
            assert_eq!(
                r["scores"]["base"].as_f64().unwrap(),
                24.0 - i as f64 * 0.5,
                "{member} {app}"
            );
        }
    }
    let store = jury::store::Store::open(&db).unwrap();
    assert_eq!(store.deliberations("sel-2016").unwrap().len(), 5);
    drop(store);
    assert!(jury(&db, &["verify"]).status.success());
}
