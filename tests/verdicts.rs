//! Each application's stored eligibility, its verdict and the checks it
//! failed (what the queue, the matrix and the list read instead of the
//! applications' texts), is the domain's `assess`, after every write that
//! can change it: the application, its investment plan, its call.

mod common;
use common::*;
use jury::store::Store;

on_both_engines!(
    stored_verdicts_follow_every_write_that_changes_them,
    eligibility_not_yet_stored_is_assessed_when_read,
);

/// Every stored eligibility equals `assess` on the application as read.
fn all_as_assessed(store: &Store) -> Vec<(String, jury::domain::Verdict)> {
    let mut out = Vec::new();
    for call in store.calls().unwrap() {
        let apps = store.applications(&call.info.id).unwrap();
        let facts = store.app_facts(&call.info.id).unwrap();
        assert_eq!(facts.len(), apps.len());
        for (f, a) in facts.iter().zip(&apps) {
            assert_eq!(f, &expected_facts(&call, a), "{}", a.id);
            out.push((a.id.clone(), f.verdict));
        }
    }
    out
}

/// A store whose stored eligibility is missing (a column not yet filled)
/// still reads each application's as the domain assesses it.
fn eligibility_not_yet_stored_is_assessed_when_read(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let store = Store::open(&db).unwrap();
    let before = all_as_assessed(&store);
    let ineligible = before
        .iter()
        .filter(|(_, v)| *v == jury::domain::Verdict::Ineligible)
        .count();
    assert!(ineligible > 0, "the sample has ineligible applications");
    drop(store);
    let cleared = sql_execute(
        &db,
        "UPDATE applications SET verdict = NULL, failed_checks = NULL",
    );
    assert_eq!(cleared as usize, before.len());
    let store = Store::open(&db).unwrap();
    assert_eq!(all_as_assessed(&store), before);
}

fn stored_verdicts_follow_every_write_that_changes_them(engine: Engine) {
    let Some((_dir, db)) = sample_on(engine) else {
        return;
    };
    let mut store = Store::open(&db).unwrap();
    let before = all_as_assessed(&store);
    assert!(before.len() > 30);

    // The call: a deadline a month earlier makes the later ones late.
    rewrite_first_call(&mut store, |call| {
        call.info.deadline -= chrono::Duration::days(30);
    });
    let call = store.calls().unwrap()[0].clone();
    let after = all_as_assessed(&store);
    assert_ne!(before, after, "an earlier deadline changes some verdicts");

    // The application: a section emptied.
    let mut app = store.applications(&call.info.id).unwrap()[0].clone();
    let eligible = jury::domain::assess(&call, &app).verdict;
    for text in app.sections.values_mut() {
        text.clear();
    }
    store
        .write("test", true, |w| w.put_application(&app).map(drop))
        .unwrap();
    let now = all_as_assessed(&store);
    let v = now.iter().find(|(id, _)| *id == app.id).unwrap().1;
    assert_eq!(v, jury::domain::Verdict::Ineligible, "was {eligible:?}");

    // The investment plan: replaced (whatever it decides, stored as assessed).
    let other = store.applications(&call.info.id).unwrap()[1].clone();
    store
        .write("test", true, |w| w.put_projects(&other.id, &[]).map(drop))
        .unwrap();
    all_as_assessed(&store);
}
