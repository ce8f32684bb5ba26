//! A round from scoring to a finalised, balanced list: every review in
//! through score sheets, deliberation freezes scores, an override with its
//! reason, finalising writes the decisions, reopening withdraws them; the
//! audit chain holds throughout.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Fills every unsubmitted review of `member` through an exported sheet.
fn submit_everything(db: &Path, dir: &Path, member: &str) {
    let sheet = dir.join(format!("{member}.csv"));
    let o = jury(
        db,
        &[
            "export",
            "--score-sheet",
            "--member",
            member,
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&sheet).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for (i, r) in reader
        .records()
        .map(Result::unwrap)
        .filter(|r| !r[0].starts_with("审计链头"))
        .enumerate()
    {
        if &r[9] == "submitted" {
            continue;
        }
        let mut cells: Vec<String> = r.iter().map(str::to_string).collect();
        if &r[4] != "overall" {
            let max: f64 = r[6].parse().unwrap();
            // Varied, in range, on the half-point grid.
            let share = 0.55 + ((i * 37 + member.len() * 11) % 40) as f64 / 100.0;
            cells[7] = format!("{}", (max * share * 2.0).round() / 2.0);
        }
        cells[9] = "submitted".into();
        w.write_record(&cells).unwrap();
    }
    std::fs::write(&sheet, w.into_inner().unwrap()).unwrap();
    let o = jury(db, &["import", sheet.to_str().unwrap()]);
    assert!(o.status.success(), "{member}: {}", stderr(&o));
}

on_both_engines!(
    from_scoring_to_a_finalised_balanced_list_and_back,
    deliberation_marks_notes_and_a_revisit_that_reopens_one_review,
);

fn from_scoring_to_a_finalised_balanced_list_and_back(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    for m in ["m05", "m06", "m07"] {
        submit_everything(&db, dir.path(), m);
    }
    let status = json(&jury(&db, &["status", "--json"]));
    let p = &status["rounds"][0]["progress"];
    assert_eq!(p["draft"], 0);
    assert_eq!(p["not_started"], 0, "every review is in: {p}");

    // Deliberation freezes scores.
    assert!(jury(&db, &["advance"]).status.success());
    let late = dir.path().join("late.csv");
    std::fs::write(
        &late,
        "round,member,application,criterion,value\nsel-2016,m06,county-miluo,base,1\n",
    )
    .unwrap();
    let o = jury(&db, &["import", late.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no longer takes scores"),
        "{}",
        stderr(&o)
    );

    // An override needs a reason and shows in the proposal.
    let o = jury(
        &db,
        &[
            "override",
            "town-xinhua-shuiche",
            "--outcome",
            "selected",
            "--reason",
            " ",
        ],
    );
    assert!(!o.status.success(), "a blank reason is refused");
    let o = jury(
        &db,
        &[
            "override",
            "town-xinhua-shuiche",
            "--outcome",
            "reserve",
            "--reason",
            "梯田文旅特色突出,列为备选",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let proposal = json(&jury(&db, &["propose", "--json"]));
    let line = proposal["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["lines"].as_array().unwrap())
        .find(|l| l["app"] == "town-xinhua-shuiche")
        .unwrap()
        .clone();
    assert_eq!(line["outcome"], "reserve");
    assert!(line["reasons"].to_string().contains("梯田文旅"), "{line}");

    // The balance rules hold on the proposal, tier by tier.
    let call: toml::Table =
        toml::from_str(&std::fs::read_to_string(sample_dir().join("call.toml")).unwrap()).unwrap();
    let matrix = json(&jury(&db, &["matrix", "--json"]));
    let rows: BTreeMap<String, serde_json::Value> = matrix["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["app"].as_str().unwrap().to_string(), r.clone()))
        .collect();
    for tier in proposal["tiers"].as_array().unwrap() {
        let id = tier["tier"].as_str().unwrap();
        let def = call["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"].as_str() == Some(id))
            .unwrap();
        let quota = def["quota"].as_integer().unwrap() as usize;
        let cap = def["prefecture_cap"].as_integer().unwrap() as usize;
        let min = def["min_score"].as_float().unwrap();
        let selected: Vec<&serde_json::Value> = tier["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["outcome"] == "selected" && l["basis"] != "direct")
            .collect();
        assert!(
            selected.len() <= quota,
            "{id}: {} over quota {quota}",
            selected.len()
        );
        let mut per_pref: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &selected {
            let row = &rows[l["app"].as_str().unwrap()];
            assert_eq!(row["verdict"], "eligible", "{id}: only eligible applicants");
            assert!(
                l["score"].as_f64().unwrap() >= min,
                "{id}: at or above the minimum"
            );
            *per_pref
                .entry(row["prefecture"].as_str().unwrap())
                .or_default() += 1;
        }
        assert!(
            per_pref.values().all(|n| *n <= cap),
            "{id}: cap {cap}: {per_pref:?}"
        );
    }

    // Finalising writes one decision per application and freezes the round.
    let o = jury(&db, &["finalise"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(sql_i64(&db, "SELECT count(*) FROM decisions"), 36);
    let rationale = sql_text(
        &db,
        "SELECT rationale FROM decisions WHERE application_id = 'town-xinhua-shuiche'",
    )
    .unwrap();
    assert!(rationale.contains("秘书调整"), "{rationale}");
    assert!(jury(&db, &["verify"]).status.success());
    let o = jury(
        &db,
        &[
            "override",
            "county-miluo",
            "--outcome",
            "reserve",
            "--reason",
            "x",
        ],
    );
    assert!(!o.status.success(), "a finalised round takes no override");

    // Reopening is explicit and logged; the decisions are withdrawn.
    assert!(jury(&db, &["reopen-round"]).status.success());
    assert_eq!(sql_i64(&db, "SELECT count(*) FROM decisions"), 0);
    let withdrawals = sql_i64(
        &db,
        "SELECT count(*) FROM audit_log WHERE entity = 'decision' AND new IS NULL",
    );
    assert_eq!(withdrawals, 36);
    assert!(jury(&db, &["verify"]).status.success());
}

fn deliberation_marks_notes_and_a_revisit_that_reopens_one_review(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    for m in ["m05", "m06", "m07"] {
        submit_everything(&db, dir.path(), m);
    }
    assert!(jury(&db, &["advance"]).status.success());
    let o = jury(
        &db,
        &[
            "discuss",
            "county-shaodong",
            "--note",
            "分歧较大,请王立民说明打分依据",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let store = jury::store::Store::open(&db).unwrap();
    let d = store.deliberations("sel-2016").unwrap();
    assert_eq!(
        d["county-shaodong"],
        (true, "分歧较大,请王立民说明打分依据".to_string())
    );
    drop(store);

    // A revisit puts m02's submitted review back to draft, in deliberation.
    let o = jury(
        &db,
        &[
            "revisit",
            "county-shaodong",
            "--member",
            "m02",
            "--note",
            "请复核发展基础得分",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = jury(&db, &["finalise"]);
    assert!(!o.status.success(), "a revisit pending blocks finalising");
    // Only m02, only this application, may change now.
    let sheet = dir.path().join("fix.csv");
    let store = jury::store::Store::open(&db).unwrap();
    let mine = store
        .reviews("sel-2016")
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m02" && r.application == "county-shaodong")
        .unwrap();
    assert_eq!(mine.status, jury::domain::ReviewStatus::Draft);
    drop(store);
    let mut csv_text = String::from("round,member,application,criterion,value,status\n");
    for s in &mine.scores {
        let v = if s.criterion == "base" {
            20.0
        } else {
            s.value.unwrap()
        };
        csv_text.push_str(&format!(
            "sel-2016,m02,county-shaodong,{},{v},submitted\n",
            s.criterion
        ));
    }
    std::fs::write(&sheet, &csv_text).unwrap();
    let o = jury(&db, &["import", sheet.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "the revisited review may change: {}",
        stderr(&o)
    );
    let other = csv_text.replace("county-shaodong", "county-miluo");
    std::fs::write(&sheet, other).unwrap();
    assert!(
        !jury(&db, &["import", sheet.to_str().unwrap()])
            .status
            .success(),
        "others stay frozen"
    );
    let store = jury::store::Store::open(&db).unwrap();
    assert!(
        store.open_revisits("sel-2016").unwrap().is_empty(),
        "submitting closes the revisit"
    );
    drop(store);
    assert!(jury(&db, &["finalise"]).status.success());
    assert!(jury(&db, &["verify"]).status.success());
}
