//! Search over decisions: the issue's own queries on the sample, pinyin
//! with polyphones, filters, phrases and exclusions, and visibility.

mod common;
use common::*;

on_both_engines!(
    cs_selected_and_changsha_find_changsha,
    filters_phrases_and_exclusions,
    finalised_decisions_are_searchable_but_not_for_the_recused,
    the_stored_index_gives_what_the_index_in_memory_gives,
    the_stored_index_follows_the_writes,
    a_name_matched_fuzzily_still_scores_by_its_text,
);

fn results(db: &std::path::Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut a = vec!["search"];
    a.extend_from_slice(args);
    a.push("--json");
    let out = jury(db, &a);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)["results"].as_array().unwrap().clone()
}

fn cs_selected_and_changsha_find_changsha(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let hits = results(&db, &["cs dec:selected"]);
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h["outcome"] == "selected"),
        "dec:selected filters"
    );
    assert!(hits.iter().all(
        |h| h["prefecture_name"] == "长沙" || h["applicant"].as_str().unwrap().contains("长沙")
    ));
    let zh = results(&db, &["长沙", "--limit", "100"]);
    let py = results(&db, &["changsha", "--limit", "100"]);
    assert!(!zh.is_empty());
    let ids = |v: &[serde_json::Value]| {
        let mut ids: Vec<String> = v
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    // Pinyin matches names (applicant, 市州); Chinese also matches rationales.
    assert!(!py.is_empty(), "长 read as chang, not only zhang");
    let zh_ids = ids(&zh);
    assert!(ids(&py).iter().all(|id| zh_ids.contains(id)));
    assert!(py.iter().all(
        |h| h["prefecture_name"] == "长沙" || h["applicant"].as_str().unwrap().contains("长沙")
    ));
    let in_changsha = zh.iter().filter(|h| h["prefecture_name"] == "长沙").count();
    assert_eq!(
        py.iter().filter(|h| h["prefecture_name"] == "长沙").count(),
        in_changsha
    );
}

fn filters_phrases_and_exclusions(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let fails = results(&db, &["grade:不合格 year:2016", "--limit", "100"]);
    assert!(!fails.is_empty());
    assert!(
        fails
            .iter()
            .all(|h| h["grade"] == "不合格" && h["year"] == 2016)
    );
    let border = results(&db, &["city:怀化 flag:口子镇", "--limit", "100"]);
    assert!(!border.is_empty());
    assert!(border.iter().all(|h| h["prefecture"] == "huaihua"));
    let by_pinyin = results(&db, &["city:huaihua flag:border_town", "--limit", "100"]);
    assert_eq!(border.len(), by_pinyin.len());
    let high = results(&db, &["score:>=90", "--limit", "500"]);
    assert!(high.iter().all(|h| h["score"].as_f64().unwrap() >= 90.0));
    let all_towns = results(&db, &["tier:镇", "--limit", "500"]);
    assert!(
        all_towns.iter().all(|h| h["tier"] == "镇"),
        "tier:镇 is not 城镇群"
    );
    let without = results(&db, &["tier:镇 -边界", "--limit", "500"]);
    assert!(without.len() < all_towns.len());
    assert!(
        without
            .iter()
            .all(|h| !h["rationale"].as_str().unwrap().contains("边界"))
    );
    // Full-width input folds.
    assert_eq!(
        results(&db, &["ｃｓ ｄｅｃ：ｓｅｌｅｃｔｅｄ"]).len(),
        results(&db, &["cs dec:selected"]).len()
    );
    // A malformed filter is a clear error.
    let out = jury(&db, &["search", "score:lots"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("score"), "{}", stderr(&out));
}

fn finalised_decisions_are_searchable_but_not_for_the_recused(engine: Engine) {
    let Some(p) = place(engine) else {
        return;
    };
    let db = p.db.clone();
    assert!(
        jury(&db, &["demo", "--complete", "--stage", "selection"])
            .status
            .success()
    );
    assert!(jury(&db, &["advance"]).status.success());
    assert!(jury(&db, &["finalise"]).status.success());
    let all = results(&db, &["浏阳市 round:2016年试点申报评审"]);
    assert!(
        all.iter().any(|h| h["application"] == "county-liuyang"),
        "{all:?}"
    );
    // m03 declared a conflict on 浏阳市: nothing of it in m03's results.
    let out = jury(
        &db,
        &[
            "--as",
            "m03",
            "search",
            "浏阳市 round:2016年试点申报评审",
            "--json",
        ],
    );
    let hidden = json(&out)["results"].as_array().unwrap().clone();
    assert!(
        !hidden.iter().any(|h| h["application"] == "county-liuyang"),
        "{hidden:?}"
    );
}

/// Every query of these tests and of the benchmarks, typed one character
/// at a time, gives through the stored index exactly what the whole
/// index built in memory gives: the same records in the same order, with
/// the same scores and highlights.
fn the_stored_index_gives_what_the_index_in_memory_gives(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let mut store = jury::store::Store::open(&db).unwrap();
    jury::panel::gendata::generate(&mut store, 0, 3000, 7).unwrap();
    let index = jury::panel::search::load(&store, None).unwrap();
    let finder = jury::panel::search::stored::Finder::open(&store, None).unwrap();
    let mut compared = 0;
    for q in [
        "huaihua bianjie",
        "长沙 dec:selected",
        "cs dec:selected",
        "cs -退出",
        "\"边界口岸\" 怀化",
        "grade:不合格 score:<58",
        "湘西 tier:镇",
        "huaihua",
        "changsha",
        "边界口岸",
        "grade:不合格 year:2018",
        "怀化 flag:口子镇",
        "city:huaihua 城关",
        "score:>=90 round:考核 -整改",
        "score:=75.5",
        "xx县 lc",
        "zhangsha",
        "洪江 2016",
        "Border",
        "浏阳市 round:2016年试点申报评审",
    ] {
        let chars: Vec<char> = q.chars().collect();
        for n in 1..=chars.len() {
            let prefix: String = chars[..n].iter().collect();
            let Ok(parsed) = jury::panel::search::query::parse(&prefix) else {
                continue;
            };
            for limit in [1000, 20, 1] {
                let expected: Vec<(String, i64, Vec<usize>)> = index
                    .search(&parsed, limit)
                    .iter()
                    .map(|h| (h.record.id.clone(), h.score, h.matched.clone()))
                    .collect();
                let got: Vec<(String, i64, Vec<usize>)> = finder
                    .find(&store, &parsed, limit)
                    .unwrap()
                    .into_iter()
                    .map(|h| (h.record.id, h.score, h.matched))
                    .collect();
                assert_eq!(got, expected, "{prefix:?}, limit {limit}");
                compared += expected.len();
            }
        }
    }
    assert!(compared > 10_000, "only {compared} results compared");
}

/// The index follows the writes: a decision rewritten, and a call that
/// renames a 市州, are found by their new text at once.
fn the_stored_index_follows_the_writes(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let mut store = jury::store::Store::open(&db).unwrap();
    let find = |store: &jury::store::Store, text: &str| -> Vec<String> {
        let q = jury::panel::search::query::parse(text).unwrap();
        jury::panel::search::stored::Finder::open(store, None)
            .unwrap()
            .find(store, &q, 100)
            .unwrap()
            .into_iter()
            .map(|f| f.record.id)
            .collect()
    };
    let mut d = store.prior_decisions().unwrap()[0].clone();
    assert!(find(&store, "独一无二的理由").is_empty());
    d.rationale = "独一无二的理由".into();
    store
        .write("test", true, |w| w.put_prior_decision(&d).map(drop))
        .unwrap();
    assert_eq!(find(&store, "独一无二的理由"), vec![d.id.clone()]);

    rewrite_first_call(&mut store, |call| {
        let pref = call
            .prefectures
            .iter_mut()
            .find(|p| p.id == d.prefecture)
            .unwrap();
        pref.name = "新名州".into();
    });
    assert!(find(&store, "新名州 独一无二").contains(&d.id));
    assert!(find(&store, "xinmingzhou 独一无二").contains(&d.id));
}

/// A word that only fuzzily matches a name (a low score) may still be in
/// the text of some of that name's decisions (a higher one): the stored
/// search must not pass that name over once it holds results that beat
/// its fuzzy score.
fn a_name_matched_fuzzily_still_scores_by_its_text(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let mut store = jury::store::Store::open(&db).unwrap();
    let mut base = store.prior_decisions().unwrap()[0].clone();
    base.flags.clear();
    let decision = |id: &str, applicant: &str, day: u32, rationale: &str| {
        let mut d = base.clone();
        d.id = id.into();
        d.applicant = applicant.into();
        d.decided_on = chrono::NaiveDate::from_ymd_opt(2030, 1, day).unwrap();
        d.rationale = rationale.into();
        d
    };
    let ds = vec![
        // Older, another applicant, the word in its text: 1000.
        decision("T-1", "丁戊乡", 1, "甲丙并提"),
        // The fuzzy name's decisions: the newest also has the word in its text.
        decision("T-2", "甲乙丙镇", 2, "无关"),
        decision("T-3", "甲乙丙镇", 3, "甲丙并提"),
    ];
    store
        .write("test", true, |w| w.put_prior_decisions(&ds).map(drop))
        .unwrap();
    let q = jury::panel::search::query::parse("甲丙").unwrap();
    let index = jury::panel::search::load(&store, None).unwrap();
    let finder = jury::panel::search::stored::Finder::open(&store, None).unwrap();
    let fuzzy = index
        .search(&q, 10)
        .iter()
        .find(|h| h.record.id == "T-2")
        .map(|h| h.score)
        .expect("the name matches fuzzily");
    assert!(fuzzy < 1000, "fuzzy score {fuzzy}");
    for limit in [1, 2, 3] {
        let expected: Vec<String> = index
            .search(&q, limit)
            .iter()
            .map(|h| h.record.id.clone())
            .collect();
        let got: Vec<String> = finder
            .find(&store, &q, limit)
            .unwrap()
            .into_iter()
            .map(|f| f.record.id)
            .collect();
        assert_eq!(got, expected, "limit {limit}");
    }
    assert_eq!(index.search(&q, 1)[0].record.id, "T-3");
}
