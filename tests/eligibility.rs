//! Eligibility on the sample: each deliberately failing application fails
//! exactly the check it was written to fail, with a reason in both languages.

use jury::domain::{CheckKind, Verdict, assess};
use jury::store::Store;
use std::collections::BTreeMap;

fn sample_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("e.db")).unwrap();
    jury::panel::sample::load(&mut store, "test").unwrap();
    (dir, store)
}

#[test]
fn each_failing_sample_fails_for_its_own_reason() {
    let (_dir, store) = sample_store();
    let call = store.call("hunan-2016").unwrap().unwrap();
    let mut failures: BTreeMap<String, Vec<CheckKind>> = BTreeMap::new();
    let mut direct = Vec::new();
    for app in store.applications("hunan-2016").unwrap() {
        let result = assess(&call, &app);
        match result.verdict {
            Verdict::Ineligible => {
                failures.insert(app.id.clone(), result.failures().map(|c| c.kind).collect());
            }
            Verdict::DirectlyIncluded => direct.push(app.id.clone()),
            Verdict::Eligible => assert_eq!(result.failures().count(), 0),
        }
        for c in &result.checks {
            assert!(!c.reason_zh.is_empty() && !c.reason_en.is_empty());
        }
    }
    let expected: BTreeMap<String, Vec<CheckKind>> = [
        ("cluster-loulianleng", CheckKind::Deadline),
        ("county-lixian", CheckKind::Route),
        ("county-yizhang", CheckKind::Indicators),
        ("county-hongjiang", CheckKind::InvestmentPlan),
        ("county-luxi", CheckKind::GovernmentApproval),
        ("town-hengnan-yunji", CheckKind::Sections),
        ("town-rucheng-reshui", CheckKind::LeadingGroup),
    ]
    .into_iter()
    .map(|(id, k)| (id.to_string(), vec![k]))
    .collect();
    assert_eq!(failures, expected);
    assert_eq!(direct, ["county-leiyang", "county-qiyang"]);
}

#[test]
fn reasons_name_the_facts() {
    let (_dir, store) = sample_store();
    let call = store.call("hunan-2016").unwrap().unwrap();
    let reason = |id: &str, kind: CheckKind| {
        let app = store.application(id).unwrap().unwrap();
        let r = assess(&call, &app);
        r.checks.into_iter().find(|c| c.kind == kind).unwrap()
    };
    let late = reason("cluster-loulianleng", CheckKind::Deadline);
    assert_eq!(
        late.reason_zh,
        "2016-12-19 报送,超过截止日期 2016-12-15 4 天"
    );
    let plan = reason("county-hongjiang", CheckKind::InvestmentPlan);
    assert_eq!(plan.reason_en, "investment plan has nothing for 2019");
    let sections = reason("town-hengnan-yunji", CheckKind::Sections);
    assert_eq!(sections.reason_zh, "缺少:保障措施");
    let indicators = reason("county-yizhang", CheckKind::Indicators);
    assert!(
        indicators
            .reason_zh
            .starts_with("1/5 项高于全省同级平均(要求至少 3 项)")
    );
}

#[test]
fn changing_one_fact_flips_the_verdict() {
    let (_dir, store) = sample_store();
    let call = store.call("hunan-2016").unwrap().unwrap();
    let mut app = store.application("county-miluo").unwrap().unwrap();
    assert_eq!(assess(&call, &app).verdict, Verdict::Eligible);
    app.submitted_on = chrono::NaiveDate::from_ymd_opt(2016, 12, 16).unwrap();
    assert_eq!(assess(&call, &app).verdict, Verdict::Ineligible);
    app.submitted_on = chrono::NaiveDate::from_ymd_opt(2016, 12, 15).unwrap();
    assert_eq!(
        assess(&call, &app).verdict,
        Verdict::Eligible,
        "the deadline day itself is in time"
    );
    // Exactly the required share of indicators (3 of 5) passes; one fewer fails.
    let tier = call.tier("county").unwrap();
    for (i, def) in tier.indicators.iter().enumerate() {
        let v = if i < 3 {
            def.average + 1.0
        } else {
            def.average - 1.0
        };
        app.indicators.insert(def.id.clone(), v);
    }
    assert_eq!(assess(&call, &app).verdict, Verdict::Eligible);
    let first = tier.indicators[0].id.clone();
    app.indicators.insert(first, tier.indicators[0].average);
    assert_eq!(
        assess(&call, &app).verdict,
        Verdict::Ineligible,
        "equal to the average is not above it"
    );
}

#[test]
fn investment_amounts_agree_between_the_languages() {
    // F8: the plan is in 亿元 (10⁸ yuan); English gives it in millions, so
    // "69.70 亿元" reads "6,970 million yuan", never "69.70 bn".
    let (_dir, store) = sample_store();
    let call = store.call("hunan-2016").unwrap().unwrap();
    let mut checked = 0;
    for app in store.applications("hunan-2016").unwrap() {
        let r = assess(&call, &app);
        let Some(c) = r
            .checks
            .iter()
            .find(|c| c.kind == CheckKind::InvestmentPlan && c.passed)
        else {
            continue;
        };
        let yi: f64 = c
            .reason_zh
            .split("计划投资 ")
            .nth(1)
            .and_then(|s| s.split(" 亿元").next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{}: {}", app.id, c.reason_zh));
        let millions: f64 = c
            .reason_en
            .split(", ")
            .nth(1)
            .and_then(|s| s.split(" million yuan").next())
            .map(|s| s.replace(',', ""))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{}: {}", app.id, c.reason_en));
        assert!(
            (millions - yi * 100.0).abs() < 0.05,
            "{}: {} / {}",
            app.id,
            c.reason_zh,
            c.reason_en
        );
        assert!(!c.reason_en.contains("bn"), "{}", c.reason_en);
        checked += 1;
    }
    assert_eq!(checked, 35, "every passing investment check");
}
