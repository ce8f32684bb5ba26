//! Search over decisions: the issue's own queries on the sample, pinyin
//! with polyphones, filters, phrases and exclusions, and visibility.

mod common;
use common::*;

on_both_engines!(
    cs_selected_and_changsha_find_changsha,
    filters_phrases_and_exclusions,
    finalised_decisions_are_searchable_but_not_for_the_recused,
    typing_with_narrowing_gives_the_same_results_as_searching_afresh,
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

fn typing_with_narrowing_gives_the_same_results_as_searching_afresh(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let store = jury::store::Store::open(&db).unwrap();
    let index = jury::panel::search::load(&store, None).unwrap();
    for q in [
        "huaihua bianjie",
        "长沙 dec:selected",
        "cs -退出",
        "\"边界口岸\" 怀化",
        "grade:不合格 score:<58",
        "湘西 tier:镇",
    ] {
        let mut session = jury::panel::search::Session::default();
        let chars: Vec<char> = q.chars().collect();
        for n in 1..=chars.len() {
            let prefix: String = chars[..n].iter().collect();
            let typed: Vec<String> = session
                .search(&index, &prefix, 1000)
                .unwrap_or_default()
                .iter()
                .map(|h| h.record.id.clone())
                .collect();
            let fresh: Vec<String> = match jury::panel::search::query::parse(&prefix) {
                Ok(parsed) => index
                    .search(&parsed, 1000)
                    .iter()
                    .map(|h| h.record.id.clone())
                    .collect(),
                Err(_) => Vec::new(),
            };
            assert_eq!(typed, fresh, "after typing {prefix:?}");
        }
    }
}
