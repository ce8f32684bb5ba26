//! Backups through SQLite's online backup API, restore with checks, and the
//! automatic backups before finalising and before a migration.

mod common;
use common::*;

#[test]
fn backup_and_restore_round_trip_with_checks() {
    let (dir, db) = sample_db();
    let copy = dir.path().join("copy.db");
    assert!(
        jury(&db, &["backup", copy.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        jury(&copy, &["verify"]).status.success(),
        "a backup verifies"
    );
    // Change the live database, then restore the copy.
    let sheet = dir.path().join("s.csv");
    std::fs::write(
        &sheet,
        "round,member,application,criterion,value\nsel-2016,m06,county-miluo,base,20\n",
    )
    .unwrap();
    assert!(
        jury(&db, &["import", sheet.to_str().unwrap()])
            .status
            .success()
    );
    let before = json(&jury(&db, &["status", "--json"]))["audit_entries"].clone();
    let o = jury(&db, &["restore", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = json(&jury(&db, &["status", "--json"]))["audit_entries"].clone();
    assert_ne!(before, after, "the restored database is the copy");
    assert!(jury(&db, &["verify"]).status.success());
    // The replaced file was kept.
    let kept = std::fs::read_dir(format!("{}.backups", db.display()))
        .unwrap()
        .count();
    assert!(kept >= 1);

    // A tampered backup is refused and the database is left alone.
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute_batch("UPDATE scores SET value = 0 WHERE rowid = (SELECT min(rowid) FROM scores WHERE value > 0)")
        .unwrap();
    let snap = snapshot(&db);
    let o = jury(&db, &["restore", copy.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("verify"), "{}", stderr(&o));
    assert_eq!(snapshot(&db).0, snap.0);
    // Not a database at all.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not sqlite").unwrap();
    assert!(
        !jury(&db, &["restore", junk.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn finalising_makes_a_backup_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    assert!(
        jury(&db, &["demo", "--complete", "--stage", "selection"])
            .status
            .success()
    );
    assert!(jury(&db, &["advance"]).status.success());
    assert!(jury(&db, &["finalise"]).status.success());
    let backups: Vec<String> = std::fs::read_dir(format!("{}.backups", db.display()))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        backups.iter().any(|b| b.contains("before-finalise")),
        "{backups:?}"
    );
}

/// Databases made by each earlier schema version open, upgrade (with a
/// backup first) and verify. The old schemas are rebuilt from the
/// migration files, which never change once released.
#[test]
fn every_earlier_schema_upgrades() {
    let migrations = [
        include_str!("../src/store/migrations/0001_init.sql"),
        include_str!("../src/store/migrations/0002_edit_buffers.sql"),
        include_str!("../src/store/migrations/0003_deliberation.sql"),
        include_str!("../src/store/migrations/0004_deliberation_marks.sql"),
        include_str!("../src/store/migrations/0005_passphrases.sql"),
        include_str!("../src/store/migrations/0006_assessments.sql"),
        include_str!("../src/store/migrations/0007_trust.sql"),
        include_str!("../src/store/migrations/0008_read_views.sql"),
        include_str!("../src/store/migrations/0009_search_index.sql"),
        include_str!("../src/store/migrations/0010_verdicts.sql"),
        include_str!("../src/store/migrations/0011_failed_checks.sql"),
    ];
    assert_eq!(
        migrations.len() as i64,
        jury::store::SCHEMA_VERSION,
        "a fixture for every version"
    );
    for version in 1..migrations.len() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(format!("v{version}.db"));
        let conn = rusqlite::Connection::open(&db).unwrap();
        for sql in &migrations[..version] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(&format!("PRAGMA user_version = {version}"))
            .unwrap();
        drop(conn);
        let store = jury::store::Store::open(&db).unwrap();
        assert_eq!(store.schema_version().unwrap(), jury::store::SCHEMA_VERSION);
        drop(store);
        let backups = std::fs::read_dir(format!("{}.backups", db.display()))
            .unwrap()
            .count();
        assert_eq!(backups, 1, "v{version}: a backup before the migration");
        // The upgraded database takes the sample and verifies.
        let o = jury(&db, &["import", sample_dir().to_str().unwrap()]);
        assert!(o.status.success(), "v{version}: {}", stderr(&o));
        assert!(jury(&db, &["verify"]).status.success());
    }
}

/// One audit entry: seq, at, actor, entity, key, old, new.
type Entry = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// A version-5 database that already holds decisions (the selection
/// finalised) upgrades to the current version and still verifies: columns added by the
/// migration read as NULL in entries logged before it. The v5 file is made
/// by taking today's schema back: dropping what version 6 added, and
/// rewriting the log as version 5 wrote it (without the new columns, the
/// chain re-hashed).
#[test]
fn a_version_5_database_with_decisions_upgrades_and_verifies() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v5.db");
    for args in [
        vec!["demo", "--stage", "selection", "--complete"],
        vec!["advance"],
        vec!["finalise"],
    ] {
        let out = jury(&db, &args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let decisions_before = jury::store::Store::open(&db)
        .unwrap()
        .decisions("sel-2016")
        .unwrap()
        .len();
    assert_eq!(decisions_before, 36);

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    let strip = |entity: &str, row: Option<String>| -> Option<String> {
        let cols: &[&str] = match entity {
            "round" => &["midterm"],
            "decision" => &["score", "due_on", "facts"],
            "review" => &["entered_by"],
            "passphrase" => &["initial"],
            _ => return row,
        };
        row.map(|r| {
            let mut v: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&r).unwrap();
            for c in cols {
                v.remove(*c);
            }
            serde_json::Value::Object(v).to_string()
        })
    };
    let entries: Vec<Entry> = conn
        .prepare("SELECT seq, at, actor, entity, key, old, new FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = "0".repeat(64);
    for (seq, at, actor, entity, key, old, new) in entries {
        let (old, new) = (strip(&entity, old), strip(&entity, new));
        let fields = serde_json::json!([seq, at, actor, entity, key, old, new, prev]);
        let hash = hex::encode(Sha256::digest(fields.to_string().as_bytes()));
        conn.execute(
            "UPDATE audit_log SET old = ?1, new = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?5",
            rusqlite::params![old, new, prev, hash, seq],
        )
        .unwrap();
        prev = hash;
    }
    conn.execute_batch(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
         CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
         DROP INDEX applications_facts;
         ALTER TABLE applications DROP COLUMN failed_checks;
         ALTER TABLE applications DROP COLUMN verdict;
         DROP TABLE search_chars;
         DROP TABLE search_entries;
         DROP TABLE search_names;
         DROP VIEW decisions_read;
         DROP VIEW audit_head;
         DROP VIEW review_progress;
         DROP TABLE investment_actuals;
         DROP TABLE anchors;
         ALTER TABLE decisions DROP COLUMN facts;
         ALTER TABLE reviews DROP COLUMN entered_by;
         ALTER TABLE member_secrets DROP COLUMN initial;
         ALTER TABLE rounds DROP COLUMN midterm;
         UPDATE decisions SET score = NULL, due_on = NULL;
         PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);

    let out = jury(&db, &["verify"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let store = jury::store::Store::open(&db).unwrap();
    assert_eq!(store.schema_version().unwrap(), jury::store::SCHEMA_VERSION);
    assert_eq!(store.decisions("sel-2016").unwrap().len(), 36);
    assert!(!store.round("sel-2016").unwrap().unwrap().midterm);
    // The prior decisions it held were indexed by the upgrade.
    let q = jury::panel::search::query::parse("怀化").unwrap();
    let expected: Vec<String> = jury::panel::search::load(&store, None)
        .unwrap()
        .search(&q, 100)
        .iter()
        .map(|h| h.record.id.clone())
        .collect();
    let found: Vec<String> = jury::panel::search::stored::Finder::open(&store, None)
        .unwrap()
        .find(&store, &q, 100)
        .unwrap()
        .into_iter()
        .map(|f| f.record.id)
        .collect();
    assert!(found.iter().any(|id| !id.contains('/')), "{found:?}");
    assert_eq!(found, expected);
    drop(store);
    // And it goes on: the pilots' first assessment opens on the upgraded file.
    let out = jury(&db, &["assess", "--year", "2017"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(jury(&db, &["verify"]).status.success());
}
