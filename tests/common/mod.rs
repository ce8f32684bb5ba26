//! Shared helpers for integration tests: real database files in temporary
//! directories, and the real `jury` binary.
#![allow(dead_code)]

pub mod pg;
pub mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_jury");

pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// Runs `jury --db DB --lang en ARGS`.
pub fn jury(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .env_remove("JURY_DB")
        .output()
        .expect("run jury")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// A temporary directory with a database loaded from sample-data.
pub fn sample_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jury.db");
    let out = jury(&db, &["import", sample_dir().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "sample import failed: {}",
        stderr(&out)
    );
    (dir, db)
}

/// The bytes of the database file and of its WAL (if any), to show that a
/// failed command changed nothing.
/// Digests rather than bytes, so a failing assertion prints two short lines.
pub fn snapshot(db: &Path) -> (String, Option<String>) {
    use sha2::{Digest, Sha256};
    let digest = |b: Vec<u8>| hex::encode(Sha256::digest(&b));
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    (
        digest(std::fs::read(db).unwrap()),
        std::fs::read(wal).ok().map(digest),
    )
}
