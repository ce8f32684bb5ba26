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

/// Runs `jury --db DB --lang en ARGS`, which must succeed: its stdout.
pub fn run(db: &Path, args: &[&str]) -> String {
    let o = jury(db, args);
    assert!(
        o.status.success(),
        "{args:?} on {}: {}",
        db.display(),
        stderr(&o)
    );
    stdout(&o)
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

/// Which engine a test runs on (see `on_both_engines!`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Where a test works: a temporary directory for its files, and its
/// database: a SQLite file in that directory, or a fresh database of its
/// own on the test server (dropped with the place).
pub struct Place {
    dir: tempfile::TempDir,
    pub db: PathBuf,
    pub engine: Engine,
    /// The server's database, on PostgreSQL.
    pub server: Option<pg::PgDb>,
}

impl Place {
    /// The temporary directory (for files in and out).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// An empty place on `engine`; None when the PostgreSQL half is skipped
/// (said on stderr; under `JURY_REQUIRE_PG=1` it fails instead).
pub fn place(engine: Engine) -> Option<Place> {
    let dir = tempfile::tempdir().unwrap();
    match engine {
        Engine::Sqlite => Some(Place {
            db: dir.path().join("jury.db"),
            dir,
            engine,
            server: None,
        }),
        Engine::Postgres => {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let server = pg::pg_db(&format!("t{n}"))?;
            Some(Place {
                db: server.path(),
                dir,
                engine,
                server: Some(server),
            })
        }
    }
}

/// A place on `engine` with the sample imported.
pub fn sample_on(engine: Engine) -> Option<(Place, PathBuf)> {
    let place = place(engine)?;
    let db = place.db.clone();
    let out = jury(&db, &["import", sample_dir().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "sample import failed: {}",
        stderr(&out)
    );
    Some((place, db))
}

/// A temporary directory with a SQLite database loaded from sample-data.
pub fn sample_db() -> (Place, PathBuf) {
    sample_on(Engine::Sqlite).expect("SQLite is always there")
}

/// Runs each named `fn NAME(engine: Engine)` as two tests,
/// `sqlite::NAME` and `postgres::NAME` (the latter skipped, saying so,
/// without a test server).
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(super::common::Engine::Sqlite) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(super::common::Engine::Postgres) } )*
        }
    };
}

/// The bytes of the database file and of its WAL (if any), to show that a
/// failed command changed nothing.
/// Digests rather than bytes, so a failing assertion prints two short lines.
/// On a server: a digest of every row of every table, in order.
pub fn snapshot(db: &Path) -> (String, Option<String>) {
    use sha2::{Digest, Sha256};
    let digest = |b: Vec<u8>| hex::encode(Sha256::digest(&b));
    if let Some(url) = db.to_str().filter(|u| u.starts_with("postgres")) {
        return (pg::digest_rows(url), None);
    }
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    (
        digest(std::fs::read(db).unwrap()),
        std::fs::read(wal).ok().map(digest),
    )
}

/// The single value a query gives, on either engine (the test's own look
/// into the database, as its administrator).
pub fn sql_one<T>(db: &Path, sql: &str) -> T
where
    T: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a>,
{
    match db.to_str().filter(|u| u.starts_with("postgres")) {
        Some(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            c.query_one(sql, &[])
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get(0)
        }
        None => rusqlite::Connection::open(db)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

/// The single integer a query gives (a count), on either engine.
pub fn sql_i64(db: &Path, sql: &str) -> i64 {
    sql_one(db, sql)
}

/// The single text (or NULL) a query gives, on either engine.
pub fn sql_text(db: &Path, sql: &str) -> Option<String> {
    sql_one(db, sql)
}

/// One statement as the administrator, on either engine: how many rows it
/// changed.
pub fn sql_execute(db: &Path, sql: &str) -> u64 {
    match db.to_str().filter(|u| u.starts_with("postgres")) {
        Some(url) => postgres::Client::connect(url, postgres::NoTls)
            .unwrap()
            .execute(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
        None => rusqlite::Connection::open(db)
            .unwrap()
            .execute(sql, [])
            .unwrap_or_else(|e| panic!("{sql}: {e}")) as u64,
    }
}

/// A copy of a place's database to work on beside it: the file (and its
/// WAL) copied; on a server, a database made from it there (`CREATE
/// DATABASE … TEMPLATE`), kept while the returned guard lives. No process
/// may have the database open meanwhile.
pub fn copy_of(place: &Place, name: &str) -> (PathBuf, Option<pg::PgDb>) {
    match &place.server {
        None => {
            let to = place.path().join(format!("{name}.db"));
            for suffix in ["", "-wal"] {
                let from = format!("{}{suffix}", place.db.display());
                if Path::new(&from).exists() {
                    std::fs::copy(&from, format!("{}{suffix}", to.display())).unwrap();
                }
            }
            (to, None)
        }
        Some(server) => {
            let copy = server.clone_as(name);
            (copy.path(), Some(copy))
        }
    }
}

/// Runs statements as the database's administrator, on either engine
/// (tampering tests: what a hostile operator could do behind jury's back).
pub fn sql_batch(db: &Path, sql: &str) {
    match db.to_str().filter(|u| u.starts_with("postgres")) {
        Some(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            c.batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        None => rusqlite::Connection::open(db)
            .unwrap()
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

/// Every row a query gives, on either engine; every column must be text
/// (cast in the query: `CAST(value AS TEXT)` reads the same on both).
pub fn sql_rows(db: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    match db.to_str().filter(|u| u.starts_with("postgres")) {
        Some(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            c.query(sql, &[])
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .iter()
                .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
                .collect()
        }
        None => {
            let conn = rusqlite::Connection::open(db).unwrap();
            let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
            let n = stmt.column_count();
            stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        }
    }
}

/// Rewrites the store's first call (with its rounds, as `put_call` takes
/// them) after `change`.
pub fn rewrite_first_call(
    store: &mut jury::store::Store,
    change: impl FnOnce(&mut jury::domain::Call),
) {
    let mut call = store.calls().unwrap()[0].clone();
    let rounds: Vec<_> = store
        .rounds()
        .unwrap()
        .into_iter()
        .filter(|r| r.call == call.info.id)
        .collect();
    change(&mut call);
    store
        .write("test", true, |w| w.put_call(&call, &rounds).map(drop))
        .unwrap();
}

/// What `Store::app_facts` must give for `app` of `call`: its own fields
/// and the domain's `assess` of it.
pub fn expected_facts(
    call: &jury::domain::Call,
    app: &jury::domain::Application,
) -> jury::store::AppFacts {
    let assessed = jury::domain::assess(call, app);
    jury::store::AppFacts {
        id: app.id.clone(),
        name: app.name.clone(),
        name_en: app.name_en.clone(),
        tier: app.tier.clone(),
        prefecture: app.prefecture.clone(),
        region: app.region.clone(),
        flags: app.flags.clone(),
        verdict: assessed.verdict,
        failed_checks: assessed.failures().map(|c| c.kind).collect(),
    }
}
