//! Members as database roles (issue 12): on a PostgreSQL server each
//! member signs in as their own login role, and the server's row-level
//! policies show them what jury would, and nothing more, whether they ask
//! through jury or connect with a client of their own.
//!
//! Every connection here that checks a rule is a member's own role: a
//! superuser (the test server's administrator) bypasses every policy.
//! Skipped, saying so, without `JURY_TEST_PG` (see tests/pg.rs).

mod common;
use common::pg::*;
use common::*;

/// The sample's history on a server, made a panel of roles.
fn panel_with_roles(pg: &PgDb, args: &[&str]) {
    let admin = pg.path();
    run(&admin, args);
    run(&admin, &["init"]);
    run(&admin, &["roles"]);
}

#[test]
fn each_member_reads_through_their_own_role_what_jury_shows_them() {
    let Some(pg) = pg_db("sight") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lite = dir.path().join("panel.db");
    run(&lite, &["demo", "--complete"]);
    panel_with_roles(&pg, &["demo", "--complete"]);
    let members = run(&pg.path(), &["members", "--json"]);
    assert!(members.contains(&format!("\"db_role\": \"{}\"", pg.member_role("m02"))));
    let mut compared = 0;
    for who in ["m01", "m02", "m03", "m04", "m05", "m06", "m07"] {
        let server = pg.as_role(&pg.member_role(who));
        for args in [
            vec!["matrix", "--json"],
            vec!["matrix", "--method", "z_score", "--json"],
            vec!["propose", "--json"],
            vec!["propose", "--round", "asm-2018", "--json"],
            vec!["search", "长沙", "--json", "--limit", "100"],
            vec!["timeline", "county-xiangxiang", "--json"],
            vec!["eligibility", "--json"],
            vec!["status", "--json"],
        ] {
            let mut on_file = vec!["--as", who];
            on_file.extend_from_slice(&args);
            let (x, y) = (jury(&lite, &on_file), jury(&server, &args));
            assert_eq!(
                x.status.success(),
                y.status.success(),
                "{who} {args:?}: {} / {}",
                stderr(&x),
                stderr(&y)
            );
            let strip = |s: String| {
                s.lines()
                    .filter(|l| !l.contains("schema_version") && !l.contains("\"engine\""))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert!(
                strip(stdout(&x)) == strip(stdout(&y)),
                "{who} {args:?} differs between the file (--as) and the server (own role):\n{}\n---\n{}",
                stdout(&x),
                stdout(&y)
            );
            compared += 1;
        }
    }
    assert!(compared >= 56);
}

#[test]
fn as_cannot_name_anyone_else_and_a_stranger_is_refused() {
    let Some(pg) = pg_db("asrole") else {
        return;
    };
    panel_with_roles(&pg, &["demo", "--stage", "selection"]);
    let m02 = pg.as_role(&pg.member_role("m02"));
    let o = jury(&m02, &["--as", "m03", "status"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("may not act as anyone else"),
        "{}",
        stderr(&o)
    );
    // Naming oneself is fine.
    run(&m02, &["--as", "m02", "status"]);
    // No passphrases on a server: the server signed them in.
    let o = jury(&m02, &["passphrase"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("use no passphrase"), "{}", stderr(&o));
    // A role the panel does not know.
    let mut admin = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let stranger = format!("{}_visitor", pg.name);
    admin
        .batch_execute(&format!("CREATE ROLE {stranger} LOGIN"))
        .unwrap();
    // Without CONNECT (revoked from PUBLIC by `init`) the server turns it
    // away; with it, jury does.
    let o = jury(&pg.as_role(&stranger), &["status"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("permission denied for database"),
        "{}",
        stderr(&o)
    );
    admin
        .batch_execute(&format!(
            "GRANT CONNECT ON DATABASE {} TO {stranger}",
            pg.name
        ))
        .unwrap();
    let o = jury(&pg.as_role(&stranger), &["status"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("is not a member of this panel"),
        "{}",
        stderr(&o)
    );
    // A member may not verify (the policies would show them a partial
    // chain), nor administer roles; an auditor role verifies.
    let o = jury(&m02, &["verify"]);
    assert!(!o.status.success());
    let m01 = pg.as_role(&pg.member_role("m01"));
    let o = jury(&m01, &["verify"]);
    assert!(stderr(&o).contains("reads every row"), "{}", stderr(&o));
    assert!(!jury(&m01, &["roles"]).status.success());
    let auditor = format!("{}_audit", pg.name);
    run(&pg.path(), &["roles", "--auditor", &auditor]);
    assert!(run(&pg.as_role(&auditor), &["verify"]).contains("OK"));
}

/// What a member tries with a client of their own (`psql`), bypassing jury.
#[test]
fn the_server_says_no_to_a_member_with_their_own_client() {
    let Some(pg) = pg_db("psql") else {
        return;
    };
    panel_with_roles(&pg, &["demo", "--stage", "selection"]);
    let mut admin = postgres::Client::connect(&pg.url, postgres::NoTls).unwrap();
    let count =
        |c: &mut postgres::Client, sql: &str| -> i64 { c.query_one(sql, &[]).unwrap().get(0) };
    // The facts, as the administrator sees them.
    let drafts_of_others: i64 = count(
        &mut admin,
        "SELECT count(*) FROM scores s JOIN reviews r USING (round_id, member_id, application_id)
         WHERE r.status = 'draft' AND s.member_id <> 'm06'",
    );
    assert!(drafts_of_others > 0, "the sample has drafts");
    let recused_scores: i64 = count(
        &mut admin,
        "SELECT count(*) FROM scores WHERE application_id IN
           (SELECT id FROM applications WHERE prefecture = 'huaihua'
            UNION SELECT application_id FROM conflicts WHERE member_id = 'm06')",
    );
    assert!(
        recused_scores > 0,
        "m06 is recused from scored applications"
    );

    let mut m06 = pg.client_as(&pg.member_role("m06"));
    // Others' unsubmitted scores: none.
    assert_eq!(
        count(
            &mut m06,
            "SELECT count(*) FROM scores s JOIN reviews r USING (round_id, member_id, application_id)
             WHERE r.status = 'draft' AND s.member_id <> 'm06'"
        ),
        0
    );
    // Nothing of an application they are recused from: scores, reviews,
    // the audit entries about them.
    for sql in [
        "SELECT count(*) FROM scores WHERE application_id IN
           (SELECT id FROM applications WHERE prefecture = 'huaihua'
            UNION SELECT application_id FROM conflicts WHERE member_id = 'm06')",
        "SELECT count(*) FROM reviews WHERE application_id IN
           (SELECT id FROM applications WHERE prefecture = 'huaihua')",
        "SELECT count(*) FROM audit_log WHERE entity IN ('score', 'review')
           AND (key::jsonb ->> 2) IN (SELECT id FROM applications WHERE prefecture = 'huaihua')",
    ] {
        assert_eq!(count(&mut m06, sql), 0, "{sql}");
    }
    // The audit log is append-only for them: no update, delete, truncate.
    for sql in [
        "UPDATE audit_log SET actor = 'm06'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let e = m06.batch_execute(sql).expect_err(sql);
        assert!(
            e.to_string().contains("permission denied") || format!("{e:?}").contains("42501"),
            "{sql}: {e:?}"
        );
    }
    // Another member's scores: an update or delete touches nothing, an
    // insert is refused; their own decisions and secrets are out of reach.
    assert_eq!(
        m06.execute("UPDATE scores SET value = 0 WHERE member_id <> 'm06'", &[])
            .unwrap(),
        0
    );
    assert_eq!(
        m06.execute("DELETE FROM scores WHERE member_id <> 'm06'", &[])
            .unwrap(),
        0
    );
    let e = m06
        .batch_execute(
            "INSERT INTO scores (round_id, member_id, application_id, criterion_id, value)
             VALUES ('sel-2016', 'm02', 'county-liling', 'base', 30)",
        )
        .expect_err("insert as another member");
    assert!(format!("{e:?}").contains("42501"), "{e:?}");
    for sql in [
        "INSERT INTO decisions (round_id, application_id, outcome, decided_by, decided_at)
         VALUES ('sel-2016', 'county-liling', 'selected', 'm06', '2017-01-01')",
        "UPDATE rounds SET state = 'finalised'",
        "SELECT phc FROM member_secrets WHERE member_id <> 'm06'",
        "INSERT INTO audit_log (seq, at, actor, entity, key, prev_hash, hash)
         VALUES (999999, 'now', 'm01', 'x', '[]', '', '')",
    ] {
        let refused = match m06.execute(sql, &[]) {
            Err(_) => true,
            Ok(n) => n == 0,
        };
        assert!(refused, "{sql}");
    }
    // A member cannot make themselves anyone else, nor the owner.
    assert!(
        m06.batch_execute(&format!("SET ROLE {}", pg.member_role("m01")))
            .is_err()
    );
    assert!(
        m06.batch_execute(&format!("SET ROLE {}_owner", pg.name))
            .is_err()
    );
    // Nothing changed: the chain verifies.
    assert!(run(&pg.path(), &["verify"]).contains("OK"));

    // Recused after scoring (the administrator moves m05's home to 常德):
    // m05's own scores of 常德's applications are out of their sight too.
    let mut m05 = pg.client_as(&pg.member_role("m05"));
    let own_changde = "SELECT count(*) FROM scores WHERE member_id = 'm05' AND application_id IN
                         (SELECT id FROM applications WHERE prefecture = 'changde')";
    assert!(
        count(&mut m05, own_changde) > 0,
        "m05 scored 常德's applications"
    );
    let dir = tempfile::tempdir().unwrap();
    let panel = dir.path().join("move.toml");
    std::fs::write(
        &panel,
        "kind = \"panel\"\n[[members]]\nid = \"m05\"\nname = \"周雅婷\"\nname_en = \"Zhou Yating\"\ndepartment = \"省交通运输厅综合规划处\"\nhome_prefecture = \"常德\"\nroles = [\"reviewer\"]\n",
    )
    .unwrap();
    run(&pg.path(), &["import", panel.to_str().unwrap()]);
    assert_eq!(count(&mut m05, own_changde), 0);
}

/// A member's write the policies filter out is a refusal, never a silent
/// success; the same member's own writes go through and are audited as
/// theirs.
#[test]
fn a_members_writes_on_the_server_are_theirs_alone() {
    let Some(pg) = pg_db("ownwrite") else {
        return;
    };
    panel_with_roles(&pg, &["demo", "--stage", "selection"]);
    let m05 = pg.as_role(&pg.member_role("m05"));
    let mut store = jury::store::Store::open(&m05).unwrap();
    // A draft of m05's own (the sample leaves four).
    store
        .write("m05", true, |w| {
            w.set_score_value("sel-2016", "m05", "county-lixian", "base", Some(20.0), None)
        })
        .unwrap();
    drop(store);
    // Someone else's draft, through jury's own store on m06's session (as
    // if m06's jury were altered to claim to be m05): the server refuses.
    let m06 = pg.as_role(&pg.member_role("m06"));
    let mut store = jury::store::Store::open(&m06).unwrap();
    let e = store
        .write("m05", true, |w| {
            w.set_score_value("sel-2016", "m05", "county-lixian", "base", Some(1.0), None)
        })
        .expect_err("m06 writing m05's review");
    assert!(e.to_string().contains("server refused"), "{e}");
    drop(store);
    let admin = jury::store::Store::open(&pg.path()).unwrap();
    let r = admin
        .reviews("sel-2016")
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m05" && r.application == "county-lixian")
        .unwrap();
    let base = r.scores.iter().find(|s| s.criterion == "base").unwrap();
    assert_eq!(base.value, Some(20.0));
    assert!(admin.verify().unwrap().ok());
    // A finalise from a session that cannot read every score is refused
    // with the reason; the administrator's connection settles it as m01.
    run(&pg.path(), &["--as", "m01", "advance"]);
    let m01 = pg.as_role(&pg.member_role("m01"));
    let o = jury(&m01, &["finalise", "--allow-missing"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("may not read the scores"),
        "{}",
        stderr(&o)
    );
}

/// Eight members, each signed in as their own role, write at once: 500
/// audited score writes each, through the policies. Nothing is lost,
/// nothing refused, and the chain holds (the advisory write lock at READ
/// COMMITTED serialises the appends).
#[test]
fn eight_member_roles_writing_at_once_lose_nothing() {
    let Some(pg) = pg_db("eight") else {
        return;
    };
    let admin = pg.path();
    run(&admin, &["demo", "--stage", "selection"]);
    // Eight more reviewers, from no 市州, each on the same six applications.
    const APPS: [&str; 6] = [
        "county-miluo",
        "county-shaodong",
        "county-cili",
        "county-xiangxiang",
        "town-xinhua-shuiche",
        "cluster-changzhutan",
    ];
    let members: Vec<String> = (8..16).map(|i| format!("m{i:02}")).collect();
    let mut panel = String::from("kind = \"panel\"\n");
    for m in &members {
        panel.push_str(&format!(
            "[[members]]\nid = \"{m}\"\nname = \"专家{m}\"\ndepartment = \"省住房和城乡建设厅\"\nroles = [\"reviewer\"]\n\n"
        ));
        panel.push_str(&format!(
            "[[assignments]]\nround = \"sel-2016\"\nmember = \"{m}\"\napplications = {APPS:?}\n\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("more.toml");
    std::fs::write(&file, panel).unwrap();
    run(&admin, &["import", file.to_str().unwrap()]);
    run(&admin, &["init"]);
    run(&admin, &["roles"]);
    let before = jury::store::Store::open(&admin)
        .unwrap()
        .verify()
        .unwrap()
        .audit_entries;
    const CRITERIA: [&str; 6] = [
        "base",
        "features",
        "approach",
        "targets",
        "investment",
        "safeguards",
    ];
    let threads: Vec<_> = members
        .iter()
        .map(|m| {
            let (m, url) = (m.clone(), pg.as_role(&pg.member_role(m)));
            std::thread::spawn(move || {
                let mut store = jury::store::Store::open(&url).unwrap();
                let mut last = std::collections::BTreeMap::new();
                for k in 0..500usize {
                    let app = APPS[k % APPS.len()];
                    let criterion = CRITERIA[(k / APPS.len()) % CRITERIA.len()];
                    // Each visit to a cell writes a new value: every write
                    // is a change, and an audit entry.
                    let value = ((k / 36 + k) % 9) as f64 * 0.5;
                    store
                        .write(&m, true, |w| {
                            w.set_score_value("sel-2016", &m, app, criterion, Some(value), None)
                        })
                        .unwrap_or_else(|e| panic!("{m}, write {k}: {e}"));
                    last.insert((m.clone(), app, criterion), value);
                }
                last
            })
        })
        .collect();
    let mut expected = std::collections::BTreeMap::new();
    for t in threads {
        expected.extend(t.join().expect("a writer panicked"));
    }
    let store = jury::store::Store::open(&admin).unwrap();
    let reviews = store.reviews("sel-2016").unwrap();
    for ((member, app, criterion), value) in &expected {
        let stored = reviews
            .iter()
            .find(|r| &r.member == member && r.application == *app)
            .and_then(|r| r.scores.iter().find(|s| s.criterion == *criterion))
            .and_then(|s| s.value);
        assert_eq!(stored, Some(*value), "{member} {app} {criterion}");
    }
    assert_eq!(expected.len(), 8 * 36);
    let report = store.verify().unwrap();
    assert!(report.ok(), "{:?}", report.problems.first());
    // One entry per write, and one per review each member opened.
    assert_eq!(report.audit_entries - before, 8 * 500 + 8 * 6);
    // Each entry names its writer: the role's member, nobody else.
    let mut c = pg.client_as(&pg.member_role("m08"));
    let theirs: i64 = c
        .query_one("SELECT count(*) FROM audit_log WHERE actor = 'm08'", &[])
        .unwrap()
        .get(0);
    assert!(theirs >= 36, "m08 reads their own entries: {theirs}");
}

/// Two members on two sessions, each as their own role: m06's queue is
/// open in a terminal when the secretary m01 enters m06's paper sheet from
/// another session; within a second or two, without a key pressed, m06's
/// queue shows it submitted (LISTEN/NOTIFY, then a read through the
/// policies). The terminal is restored on the way out.
#[test]
fn a_members_open_queue_shows_what_another_member_entered() {
    use common::pty::*;
    let Some(pg) = pg_db("twoterms") else {
        return;
    };
    panel_with_roles(&pg, &["demo", "--stage", "selection"]);
    let m06 = pg.as_role(&pg.member_role("m06"));
    let m01 = pg.as_role(&pg.member_role("m01"));
    // No --as: the role is the member.
    let mut tui = Tui::start(&m06, &[]);
    tui.wait_for("My queue");
    let miluo = |s: &str| {
        s.lines()
            .find(|l| l.trim_start_matches(['│', '▶', ' ']).starts_with("Miluo"))
            .map(str::to_string)
    };
    let before = tui.wait_until("Miluo in m06's queue", WAIT, |s| miluo(s).is_some());
    assert!(!miluo(&before).unwrap().contains("submitt"), "{before}");

    let mut sheet = String::from("round,member,application,criterion,value,comment,status\n");
    for (criterion, value) in [
        ("base", 20),
        ("features", 8),
        ("approach", 15),
        ("targets", 8),
        ("investment", 16),
        ("safeguards", 12),
    ] {
        sheet.push_str(&format!(
            "sel-2016,m06,county-miluo,{criterion},{value},,submitted\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("paper.csv");
    std::fs::write(&path, sheet).unwrap();
    run(&m01, &["import", path.to_str().unwrap()]);

    tui.wait_until(
        "Miluo submitted on m06's screen",
        std::time::Duration::from_secs(3),
        |s| miluo(s).is_some_and(|r| r.contains("submitt")),
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
    tui.assert_terminal_restored();
    // Entered by the secretary, and logged as theirs.
    let mut c = pg.client_as(&pg.member_role("m06"));
    let by: Option<String> = c
        .query_one(
            "SELECT entered_by FROM reviews WHERE member_id = 'm06' AND application_id = 'county-miluo'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(by.as_deref(), Some("m01"));
}

/// On a SQLite file there are no roles: `roles` says so and changes
/// nothing, `init` names no owner, and the session is the file's operator.
#[test]
fn a_file_has_no_roles() {
    let (_dir, db) = sample_db();
    let before = snapshot(&db);
    let o = jury(&db, &["roles"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("only on a PostgreSQL server"),
        "{}",
        stderr(&o)
    );
    assert!(!run(&db, &["init"]).contains("owner role"));
    assert_eq!(snapshot(&db), before);
    let members = json(&jury(&db, &["members", "--json"]));
    assert!(members["members"][0]["db_role"].is_null(), "{members}");
    let store = jury::store::Store::open(&db).unwrap();
    assert_eq!(store.session().unwrap(), jury::store::Session::Operator);
    assert!(store.db_roles().unwrap().is_empty());
}

/// A panel made before the search index (server schema 3) is upgraded by
/// its administrator (a member may not), as its owner: the new tables reach the members' groups, the decisions it held
/// are indexed, and a member searching through their own role finds what
/// the administrator finds.
#[test]
fn a_panel_from_before_the_search_index_upgrades_and_its_members_search() {
    let Some(pg) = pg_db("upgrade") else {
        return;
    };
    panel_with_roles(&pg, &["demo"]);
    let admin = pg.path();
    let expected = run(&admin, &["search", "怀化", "--json", "--limit", "100"]);
    assert!(expected.contains("\"applicant\""), "{expected}");
    let mut c = pg.client_as("postgres");
    c.batch_execute(
        "DROP TABLE search_entries; DROP TABLE search_names;
         ALTER TABLE applications DROP COLUMN verdict;
         ALTER TABLE applications DROP COLUMN failed_checks;
         DELETE FROM jury_schema WHERE version >= 4;
         DO $$ BEGIN
             EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I',
                            (SELECT value FROM jury.settings WHERE key = 'owner'));
         END $$;",
    )
    .unwrap();
    drop(c);
    let member = pg.as_role(&pg.member_role("m02"));
    let refused = jury(&member, &["search", "怀化"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("init"), "{}", stderr(&refused));
    run(&admin, &["init"]);
    let found = run(&member, &["search", "怀化", "--json", "--limit", "100"]);
    assert!(found.contains("\"applicant\""), "{found}");
    let as_member_on_file = run(
        &admin,
        &["--as", "m02", "search", "怀化", "--json", "--limit", "100"],
    );
    assert_eq!(found, as_member_on_file);
    let mut m = pg.client_as(&pg.member_role("m02"));
    let names: i64 = m
        .query_one("SELECT count(*) FROM search_names", &[])
        .unwrap()
        .get(0);
    assert!(names > 0);
}
