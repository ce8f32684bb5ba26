//! The store's interface on both engines: the same panel written through
//! jury onto a SQLite file and a PostgreSQL server (the sample's whole
//! history: a selection finalised, three years of assessment), then every
//! reading method of `Store` asked the same questions on both. The answers
//! must be equal, value for value, in order. Writes are exercised by every
//! other suite on both engines (`on_both_engines!`); this one pins the
//! reads, including the ones no command prints whole.
//!
//! Skipped, saying so, without `JURY_TEST_PG` (see tests/pg.rs).

mod common;
use common::pg::*;
use common::*;
use jury::store::Store;
use jury::store::search_index::{Cond, Of, PageQuery};

#[test]
fn every_read_of_the_store_answers_the_same_on_both_engines() {
    let Some(pg) = pg_db("conform") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("panel.db");
    for db in [file.clone(), pg.path()] {
        let o = jury(&db, &["demo", "--complete"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (lite, server) = (
        Store::open(&file).unwrap(),
        Store::open(&pg.path()).unwrap(),
    );
    assert_eq!((lite.engine(), server.engine()), ("sqlite", "postgresql"));

    // Each read as text (Debug), so that a difference prints where it is.
    let reads = |s: &Store| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut put = |what: String, v: String| out.push((what, v));
        put("calls".into(), format!("{:?}", s.calls().unwrap()));
        put("rounds".into(), format!("{:?}", s.rounds().unwrap()));
        put("members".into(), format!("{:?}", s.members().unwrap()));
        put("conflicts".into(), format!("{:?}", s.conflicts().unwrap()));
        put(
            "prior_decisions".into(),
            format!("{:?}", s.prior_decisions().unwrap()),
        );
        // The search index: its names, and pages of its entries read
        // every way a search reads them, under every condition.
        let names = s.search_names().unwrap();
        put("search_names".into(), format!("{names:?}"));
        let ids: Vec<i64> = names.iter().map(|n| n.id).collect();
        assert!(ids.len() > 4, "the sample's history has names");
        let page = |names: Of, conds: Vec<Cond>, after: Option<(&str, &str)>| PageQuery {
            names,
            conds,
            after: after.map(|(d, i)| (d.to_string(), i.to_string())),
            limit: 25,
        };
        let pages = [
            page(Of::All, vec![], None),
            page(Of::All, vec![], Some(("2019-06-30", "P"))),
            page(Of::Name(ids[1]), vec![], None),
            page(Of::FewNames(ids[..3].to_vec()), vec![], None),
            page(Of::Names(ids[..ids.len() / 2].to_vec()), vec![], None),
            page(
                Of::All,
                vec![
                    Cond::Has("市".into()),
                    Cond::Lacks("退出".into()),
                    Cond::Score(">=", 60.0),
                ],
                None,
            ),
            page(Of::All, vec![Cond::HasFew("边界口岸".into())], None),
            page(
                Of::All,
                vec![Cond::HasFew("长沙".into()), Cond::HasFew("cs".into())],
                None,
            ),
            page(
                Of::All,
                vec![Cond::Grade("合格".into()), Cond::Year(2018)],
                None,
            ),
            page(Of::All, vec![Cond::Outcome("selected".into())], None),
            page(
                Of::All,
                vec![Cond::Tier("县".into()), Cond::Round("考核".into())],
                None,
            ),
            page(
                Of::All,
                vec![Cond::Flag("口子镇".into()), Cond::Score("~", 85.0)],
                None,
            ),
            page(
                Of::All,
                vec![Cond::Score("<", 70.0), Cond::Score(">", 50.0)],
                None,
            ),
        ];
        let mut answered = 0;
        for (i, q) in pages.iter().enumerate() {
            let found = s.search_page(q).unwrap();
            answered += usize::from(!found.is_empty());
            put(format!("search_page {i} {q:?}"), format!("{found:?}"));
        }
        assert!(answered >= 9, "only {answered} pages found entries");
        // Each application's facts as queues and matrices read them, and
        // its stored eligibility, are the application's and the domain's.
        for call in s.calls().unwrap() {
            let facts = s.app_facts(&call.info.id).unwrap();
            let apps = s.applications(&call.info.id).unwrap();
            let expected: Vec<_> = apps.iter().map(|a| expected_facts(&call, a)).collect();
            assert_eq!(facts, expected);
            put(format!("app_facts {}", call.info.id), format!("{facts:?}"));
        }
        put("counts".into(), format!("{:?}", s.counts().unwrap()));
        // The head's number (its hash covers the entries' times, which differ).
        put(
            "audit_head".into(),
            format!("{:?}", s.audit_head().unwrap().map(|(seq, _)| seq)),
        );
        put(
            "locked".into(),
            format!("{:?}", s.locked_members().unwrap()),
        );
        put("session".into(), format!("{:?}", s.session().unwrap()));
        for m in s.members().unwrap() {
            put(
                format!("passphrase {}", m.id),
                format!("{:?}", s.passphrase(&m.id).unwrap()),
            );
            let assigned = s.rounds_assigned(&m.id).unwrap();
            let expected: std::collections::BTreeSet<String> = s
                .rounds()
                .unwrap()
                .into_iter()
                .filter(|r| {
                    s.assignments(&r.id)
                        .unwrap()
                        .iter()
                        .any(|a| a.member == m.id)
                })
                .map(|r| r.id)
                .collect();
            assert_eq!(assigned, expected, "{}", s.engine());
            put(format!("rounds assigned {}", m.id), format!("{assigned:?}"));
            let declared = s.conflicts_of(&m.id).unwrap();
            let all: Vec<_> = s
                .conflicts()
                .unwrap()
                .into_iter()
                .filter(|c| c.member == m.id)
                .collect();
            assert_eq!(
                declared.values().cloned().collect::<Vec<_>>(),
                all,
                "{}",
                s.engine()
            );
            put(format!("conflicts of {}", m.id), format!("{declared:?}"));
        }
        for call in s.calls().unwrap() {
            let apps = s.applications(&call.info.id).unwrap();
            put(
                format!("applications {}", call.info.id),
                format!("{apps:?}"),
            );
            put(
                format!("application prefectures {}", call.info.id),
                format!("{:?}", s.application_prefectures(&call.info.id).unwrap()),
            );
            for app in &apps {
                // The call's applications read their plans in one query:
                // each is what reading it alone gives.
                let alone = s.application(&app.id).unwrap();
                assert_eq!(alone.as_ref(), Some(app), "{}", s.engine());
                put(format!("application {}", app.id), format!("{alone:?}"));
                put(
                    format!("actuals {}", app.id),
                    format!("{:?}", s.actuals(&app.id).unwrap()),
                );
                for m in s.members().unwrap() {
                    put(
                        format!("recusal {} {}", m.id, app.id),
                        format!("{:?}", s.recusal(&m, app).unwrap()),
                    );
                }
            }
        }
        for round in s.rounds().unwrap() {
            let r = &round.id;
            put(format!("round {r}"), format!("{:?}", s.round(r).unwrap()));
            put(
                format!("assignments {r}"),
                format!("{:?}", s.assignments(r).unwrap()),
            );
            put(
                format!("reviews {r}"),
                format!("{:?}", s.reviews(r).unwrap()),
            );
            put(
                format!("decisions {r}"),
                format!("{:?}", s.decisions(r).unwrap()),
            );
            put(
                format!("overrides {r}"),
                format!("{:?}", s.overrides(r).unwrap()),
            );
            put(
                format!("open revisits {r}"),
                format!("{:?}", s.open_revisits(r).unwrap()),
            );
            put(
                format!("deliberations {r}"),
                format!("{:?}", s.deliberations(r).unwrap()),
            );
            put(
                format!("progress {r}"),
                format!("{:?}", s.progress(&round).unwrap()),
            );
            put(
                format!("recusal changes {r}"),
                format!("{:?}", s.recusal_fact_changes(r).unwrap()),
            );
        }
        out
    };
    let (a, b) = (reads(&lite), reads(&server));
    assert_eq!(a.len(), b.len());
    for ((what, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{what} differs:\n  SQLite:     {x}\n  PostgreSQL: {y}"
        );
    }
    assert!(a.len() > 300, "{} reads compared", a.len());
    // And the whole-chain check agrees.
    let (x, y) = (lite.verify().unwrap(), server.verify().unwrap());
    assert!(x.ok() && y.ok());
    assert_eq!(x.audit_entries, y.audit_entries);
}
