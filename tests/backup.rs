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
