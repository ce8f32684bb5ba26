//! Writes in batches log exactly what one write per row would: an entry
//! per changed row, in order, each "before" the row as the previous write
//! left it; and a batch with one bad row writes nothing.

mod common;
use common::*;
use jury::domain::{Outcome, PriorDecision, RoundKind};
use jury::store::{Change, Store};

on_both_engines!(
    a_batch_of_prior_decisions_is_logged_as_single_writes_would_be,
    a_batch_with_one_bad_decision_writes_nothing,
    an_imported_decision_the_store_refuses_is_named_by_its_line,
);

fn decision(id: &str, applicant: &str, score: f64) -> PriorDecision {
    PriorDecision {
        id: id.into(),
        programme: "湖南省新型城镇化综合试点".into(),
        round: "2015年度遴选".into(),
        kind: RoundKind::Selection,
        year: 2015,
        decided_on: chrono::NaiveDate::from_ymd_opt(2015, 6, 1).unwrap(),
        applicant: applicant.into(),
        tier: "县(县级市)".into(),
        prefecture: "huaihua".into(),
        flags: vec!["border_town".into()],
        outcome: Some(Outcome::Selected),
        grade: None,
        score: Some(score),
        rank: None,
        rationale: "边界口岸商贸活跃。".into(),
        decided_by: "省评审委员会".into(),
    }
}

/// The log's entries after `seq`: entity, key, before and after.
fn entries_after(db: &std::path::Path, seq: i64) -> Vec<Vec<Option<String>>> {
    sql_rows(
        db,
        &format!("SELECT entity, key, old, new FROM audit_log WHERE seq > {seq} ORDER BY seq"),
    )
}

fn a_batch_of_prior_decisions_is_logged_as_single_writes_would_be(engine: Engine) {
    let Some((place, db)) = sample_on(engine) else {
        return;
    };
    let (single_db, _kept) = copy_of(&place, "single");
    let head = sql_i64(&db, "SELECT max(seq) FROM audit_log");
    // New rows, one of them written twice (the second an update), one
    // written again unchanged, and an existing sample decision changed.
    let existing = sql_text(&db, "SELECT min(id) FROM prior_decisions").unwrap();
    let mut changed = Store::open(&db)
        .unwrap()
        .prior_decisions()
        .unwrap()
        .into_iter()
        .find(|d| d.id == existing)
        .unwrap();
    changed.rationale.push_str("(更正)");
    let batch = vec![
        decision("B-1", "洪江市", 70.0),
        decision("B-2", "沅陵县", 71.0),
        decision("B-1", "洪江市", 72.5),
        decision("B-2", "沅陵县", 71.0),
        changed,
    ];

    let mut store = Store::open(&db).unwrap();
    let (changes, log) = store
        .write("batch", true, |w| w.put_prior_decisions(&batch))
        .unwrap();
    assert_eq!(
        changes,
        vec![
            Change::Inserted,
            Change::Inserted,
            Change::Updated,
            Change::Unchanged,
            Change::Updated
        ]
    );
    assert!(log.changed());
    drop(store);

    let mut store = Store::open(&single_db).unwrap();
    store
        .write("batch", true, |w| {
            for d in &batch {
                w.put_prior_decision(d)?;
            }
            Ok(())
        })
        .unwrap();
    drop(store);

    let batched = entries_after(&db, head);
    assert_eq!(batched.len(), 4, "one entry per changed row: {batched:?}");
    assert_eq!(batched, entries_after(&single_db, head));
    // The update's "before" is the batch's own first write of it.
    assert_eq!(batched[2][2], batched[0][3]);
    assert!(batched[2][3].as_deref().unwrap().contains("72.5"));
    for db in [&db, &single_db] {
        let out = jury(db, &["verify"]);
        assert!(out.status.success(), "{}", stdout(&out));
    }
}

fn a_batch_with_one_bad_decision_writes_nothing(engine: Engine) {
    let Some((_place, db)) = sample_on(engine) else {
        return;
    };
    let before = snapshot(&db);
    let mut bad = decision("B-9", "某县", 60.0);
    bad.prefecture = "atlantis".into();
    let batch = vec![decision("B-8", "洪江市", 70.0), bad];
    let mut store = Store::open(&db).unwrap();
    let err = store
        .write("batch", true, |w| w.put_prior_decisions(&batch))
        .unwrap_err()
        .to_string();
    assert!(err.contains("atlantis"), "{err}");
    drop(store);
    assert_eq!(snapshot(&db), before);
}

fn an_imported_decision_the_store_refuses_is_named_by_its_line(engine: Engine) {
    let Some((place, db)) = sample_on(engine) else {
        return;
    };
    let before = snapshot(&db);
    let header = std::fs::read_to_string(sample_dir().join("prior-decisions.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let row = |id: &str, city: &str| {
        format!(
            "{id},湖南省新型城镇化综合试点,2015年度遴选,selection,2015,2015-06-01,洪江市,县(县级市),{city},,selected,,70.5,,理由。,省评审委员会"
        )
    };
    let csv = place.path().join("prior.csv");
    let mut text = header;
    for (i, city) in ["怀化", "怀化", "亚特兰蒂斯", "怀化"].iter().enumerate() {
        text.push('\n');
        text.push_str(&row(&format!("N-{i}"), city));
    }
    std::fs::write(&csv, text).unwrap();
    let out = jury(&db, &["import", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("prior.csv:4:"), "{err}");
    assert!(err.contains("亚特兰蒂斯"), "{err}");
    assert_eq!(snapshot(&db), before, "an import is all or nothing");
}
