//! The store: one SQLite file (WAL, foreign keys, busy timeout), numbered
//! migrations embedded in the binary, and an append-only audit chain over
//! every change to scores, decisions, conflicts and assignments.
//!
//! The rest of jury reaches the database only through [`Store`] and
//! [`Writer`], in domain types; no rusqlite type leaves this module, so
//! another engine can stand behind the same interface.

mod audit;
mod copy;
pub use copy::Copied;
pub mod files;
mod read;
mod roles;
pub mod search_index;
mod tls;
mod verdicts;
pub use roles::{MemberRole, Session};
pub(crate) mod sql;
use sql::args;
mod write;

pub use audit::{RecusalFactChange, VerifyProblem, VerifyReport};
pub use read::{AppFacts, ReviewProgress, StoreCounts};
pub use write::{Change, ChangeLog, Recovery, ScoringTarget, Writer};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Migrations in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_edit_buffers.sql"),
    include_str!("migrations/0003_deliberation.sql"),
    include_str!("migrations/0004_deliberation_marks.sql"),
    include_str!("migrations/0005_passphrases.sql"),
    include_str!("migrations/0006_assessments.sql"),
    include_str!("migrations/0007_trust.sql"),
    include_str!("migrations/0008_read_views.sql"),
    include_str!("migrations/0009_search_index.sql"),
    include_str!("migrations/0010_verdicts.sql"),
    include_str!("migrations/0011_failed_checks.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
/// The SQLite schema version that brought the search index.
const SEARCH_INDEX: i64 = 9;
/// The SQLite schema version that brought the last part of stored
/// eligibility (the verdict at 10, the failed checks at 11).
const VERDICTS: i64 = 11;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    Sqlite(#[from] rusqlite::Error),
    Postgres(#[from] postgres::Error),
    TooNew {
        found: i64,
        known: i64,
    },
    /// A write the rules forbid, with the reason (already in the process's
    /// language: see `i18n::say`).
    Refused(String),
    Corrupt(String),
    Busy,
    /// A score write that expected another stored value: someone else (the
    /// same member in another terminal) changed it since this screen read
    /// it. Carries what is stored now, so the member can choose.
    Conflict {
        stored: Option<f64>,
    },
}

/// In the process's language (`i18n::set_process_lang`).
impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::base::i18n::say;
        let text = match self {
            StoreError::Open { path, source } => say(
                format!("无法打开数据库 {}:{source}", path.display()),
                format!("cannot open database {}: {source}", path.display()),
            ),
            StoreError::CreateDir { path, source } => say(
                format!("无法创建 {}:{source}", path.display()),
                format!("cannot create {}: {source}", path.display()),
            ),
            StoreError::Sqlite(e) => say(format!("数据库错误:{e}"), format!("database error: {e}")),
            StoreError::Postgres(e) => {
                // The server's own message ("db error" alone says nothing).
                let detail = match e.as_db_error() {
                    Some(d) => format!("{} ({})", d.message(), d.code().code()),
                    None => e.to_string(),
                };
                // 42501: a grant or a row-level policy said no.
                if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
                    return f.write_str(&say(
                        format!("服务器拒绝:您的角色无权这样做({detail});未做任何更改"),
                        format!(
                            "the server refused: your role may not do this ({detail}); nothing was changed"
                        ),
                    ));
                }
                say(
                    format!("PostgreSQL 错误:{detail}"),
                    format!("PostgreSQL error: {detail}"),
                )
            }
            StoreError::TooNew { found, known } => say(
                format!("数据库结构版本 {found} 比本程序所知({known})更新;请升级 jury"),
                format!(
                    "database schema version {found} is newer than this jury understands ({known}); upgrade jury"
                ),
            ),
            StoreError::Refused(reason) => reason.clone(),
            StoreError::Corrupt(what) => say(
                format!("存储的数据无法读取:{what}"),
                format!("stored data is unreadable: {what}"),
            ),
            StoreError::Busy => say(
                "数据库一直忙(其他成员正在写入);未做任何更改,请稍后重试",
                "the database stayed busy (other members are writing); nothing was changed, please try again",
            ),
            StoreError::Conflict { stored } => say(
                format!(
                    "此分值已在别处改为 {};未写入",
                    stored.map_or_else(|| "空".to_string(), |v| v.to_string())
                ),
                format!(
                    "the stored value changed meanwhile (now {}); nothing written",
                    stored.map_or_else(|| "blank".to_string(), |v| v.to_string())
                ),
            ),
        };
        f.write_str(&text)
    }
}

/// Attempts to take the write lock after the busy timeout has run out.
const BUSY_RETRIES: u32 = 6;

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub struct Store {
    engine: Engine,
    /// The SQLite file, or the PostgreSQL URL as given.
    path: PathBuf,
}

/// The engine behind the store. Everything above `store` sees domain types
/// only; the two engines differ in how they open, migrate, lock for a write,
/// back up and notice others' changes.
enum Engine {
    Sqlite(Connection),
    // Boxed: a connection with its runtime is large, and there is one.
    Pg(Box<std::cell::RefCell<sql::PgConn>>),
}

/// Whether `--db` names a PostgreSQL server rather than a SQLite file.
pub fn is_server_url(db: &Path) -> bool {
    db.to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// `--db` as it may be shown: a server URL without its password.
pub fn shown(db: &Path) -> String {
    let text = db.display().to_string();
    if !is_server_url(db) {
        return text;
    }
    // scheme://user:password@host… → scheme://user:***@host…
    let Some((scheme, rest)) = text.split_once("://") else {
        return text;
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}")
        }
        _ => text,
    }
}

/// The PostgreSQL schema version that brought the search index.
const PG_SEARCH_INDEX: i64 = 4;
/// The PostgreSQL schema version that brought the last part of stored
/// eligibility (the verdict at 5, the failed checks at 6).
const PG_VERDICTS: i64 = 6;

/// The PostgreSQL migrations, embedded like SQLite's; numbered on their own.
const PG_MIGRATIONS: &[&str] = &[
    include_str!("migrations/pg/0001_init.sql"),
    include_str!("migrations/pg/0002_notify.sql"),
    include_str!("migrations/pg/0003_visibility.sql"),
    include_str!("migrations/pg/0004_search_index.sql"),
    include_str!("migrations/pg/0005_verdicts.sql"),
    include_str!("migrations/pg/0006_failed_checks.sql"),
];

/// Serialises audited writes on PostgreSQL (the analogue of SQLite's
/// `BEGIN IMMEDIATE`): the chain's head is read and extended under it.
/// Taken at READ COMMITTED, so each write reads the head as committed.
const PG_WRITE_LOCK: i64 = 0x6a75_7279; // "jury"

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. An up-to-date database is not written to.
    pub fn open(path: &Path) -> Result<Store> {
        if is_server_url(path) {
            return Store::open_pg(path);
        }
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && !dir.exists()
        {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // Created owner-only before SQLite opens it; its WAL follows.
        files::create_private(path).map_err(|source| StoreError::CreateDir {
            path: path.to_path_buf(),
            source,
        })?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let mut store = Store {
            engine: Engine::Sqlite(conn),
            path: path.to_path_buf(),
        };
        // A database from a newer jury is refused before anything touches it.
        let found = store.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                known: SCHEMA_VERSION,
            });
        }
        store.configure().map_err(|e| match e {
            StoreError::Sqlite(source) => StoreError::Open {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        })?;
        store.migrate()?;
        Ok(store)
    }

    /// A PostgreSQL panel: connects, and brings the schema up to date under
    /// the write lock (several members may start at once).
    fn open_pg(url: &Path) -> Result<Store> {
        let text = url.to_str().unwrap_or_default();
        let client = tls::connect(text)?;
        let store = Store {
            engine: Engine::Pg(Box::new(std::cell::RefCell::new(sql::PgConn::new(client)))),
            path: url.to_path_buf(),
        };
        let db = store.db();
        db.batch("BEGIN")?;
        let migrated = (|| -> Result<()> {
            db.execute("SELECT pg_advisory_xact_lock(?1)", args![PG_WRITE_LOCK])
                .map(drop)?;
            // Asked before created: a member may not create tables.
            let fresh = db
                .value::<Option<String>>("SELECT to_regclass('jury_schema')::text", args![])?
                .flatten()
                .is_none();
            if fresh {
                db.batch("CREATE TABLE jury_schema (version BIGINT NOT NULL)")?;
            } else if let Some(role) = db.value::<String>(
                "SELECT session_user::text
                 WHERE NOT has_table_privilege('jury_schema', 'SELECT')",
                args![],
            )? {
                // A role the panel never granted anything: say so plainly.
                return Err(StoreError::Refused(crate::base::i18n::say(
                    format!(
                        "数据库角色 {role} 不是本评审组的成员:管理员用 jury --db URL roles 为成员建立角色。"
                    ),
                    format!(
                        "database role {role} is not a member of this panel: the administrator gives members their roles with jury --db URL roles."
                    ),
                )));
            }
            let found: i64 = db
                .value("SELECT max(version) FROM jury_schema", args![])?
                .flatten()
                .unwrap_or(0);
            let known = PG_MIGRATIONS.len() as i64;
            if found > known {
                return Err(StoreError::TooNew { found, known });
            }
            if found < known && found >= 3 {
                // Once `jury init` has named an owner, what a migration
                // creates is the owner's, and only its members may migrate.
                let owner: Option<String> = db.value(
                    "SELECT value FROM jury.settings WHERE key = 'owner'
                       AND pg_has_role(current_user, value, 'MEMBER')",
                    args![],
                )?;
                let named: Option<String> = db.value(
                    "SELECT value FROM jury.settings WHERE key = 'owner'",
                    args![],
                )?;
                match (owner, named) {
                    // A panel initialised before the owner could create in
                    // public gets the right now (from whoever may grant it).
                    (Some(owner), _) => db.batch(&format!(
                        "GRANT CREATE ON SCHEMA public TO \"{o}\"; SET LOCAL ROLE \"{o}\"",
                        o = owner.replace('"', "\"\"")
                    ))?,
                    (None, Some(_)) => {
                        return Err(StoreError::Refused(crate::base::i18n::say(
                            format!(
                                "服务器上的库结构为第 {found} 版,本程序需要第 {known} 版:请管理员运行 jury --db URL init 升级"
                            ),
                            format!(
                                "the server's schema is version {found} and this jury needs {known}: the administrator upgrades it with jury --db URL init"
                            ),
                        )));
                    }
                    (None, None) => {}
                }
            }
            for (i, migration) in PG_MIGRATIONS.iter().enumerate().skip(found as usize) {
                db.batch(migration)?;
                db.execute(
                    "INSERT INTO jury_schema (version) VALUES (?1)",
                    args![(i + 1) as i64],
                )?;
            }
            if found < known {
                // New tables reach the panel's groups as the old ones did.
                roles::grant_again(db)?;
            }
            if (1..PG_SEARCH_INDEX).contains(&found) {
                // The index is derived: a panel that had decisions before it
                // gets them indexed now, once.
                search_index::rebuild(db)?;
            }
            if (1..PG_VERDICTS).contains(&found) {
                verdicts::refresh_all(db)?;
            }
            Ok(())
        })();
        match migrated {
            Ok(()) => db.batch("COMMIT")?,
            Err(e) => {
                db.batch("ROLLBACK")?;
                return Err(e);
            }
        }
        Ok(store)
    }

    /// The connection, through the engine-neutral SQL surface.
    pub(crate) fn db(&self) -> sql::Db<'_> {
        match &self.engine {
            Engine::Sqlite(c) => sql::Db::Sqlite(c),
            Engine::Pg(pg) => sql::Db::Pg(pg),
        }
    }

    /// The engine's name, as reports give it.
    pub fn engine(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite(_) => "sqlite",
            Engine::Pg(_) => "postgresql",
        }
    }

    /// Whether this store is a PostgreSQL server.
    pub fn is_server(&self) -> bool {
        matches!(self.engine, Engine::Pg(_))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&mut self) -> Result<()> {
        let Engine::Sqlite(conn) = &self.engine else {
            return Ok(());
        };
        conn.busy_timeout(Duration::from_secs(3))?;
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        }
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;",
        )?;
        Ok(())
    }

    /// Lets this connection keep 64 MiB of the file in memory (SQLite's
    /// default is 2): a write of many thousands of rows touches more pages
    /// than that, and would otherwise write some out and read them back
    /// within its own transaction. For bulk writes (synthetic data); a
    /// reader keeps the small default.
    pub fn for_bulk_writes(&self) -> Result<()> {
        if let Engine::Sqlite(conn) = &self.engine {
            conn.execute_batch("PRAGMA cache_size = -65536")?;
        }
        Ok(())
    }

    /// After a bulk write: the server's planner learns the tables' new
    /// sizes and values now rather than when autovacuum comes round (a
    /// search planned on an empty table's statistics reads the wrong way).
    /// SQLite plans from its indexes alone.
    pub fn refresh_statistics(&self) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => Ok(()),
            Engine::Pg(_) => self.db().batch("ANALYZE"),
        }
    }

    pub fn schema_version(&self) -> Result<i64> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?),
            Engine::Pg(_) => Ok(self
                .db()
                .value("SELECT max(version) FROM jury_schema", args![])?
                .flatten()
                .unwrap_or(0)),
        }
    }

    fn migrate(&mut self) -> Result<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        if found > 0 {
            self.backup_before(&format!("before-migration-v{found}"))?;
        }
        let Engine::Sqlite(conn) = &mut self.engine else {
            return Ok(());
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        }
        if (1..SEARCH_INDEX).contains(&found) {
            // The index is derived: decisions written before it existed
            // are indexed now, once.
            search_index::rebuild(sql::Db::Sqlite(&tx))?;
        }
        if (1..VERDICTS).contains(&found) {
            verdicts::refresh_all(sql::Db::Sqlite(&tx))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A consistent copy of the live database, through SQLite's online
    /// backup API (other processes may keep writing meanwhile).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let conn = match &self.engine {
            Engine::Sqlite(conn) => conn,
            // A server panel's portable backup is a SQLite file: a copy.
            Engine::Pg(_) => return self.copy_to_new_file(dest),
        };
        if let Some(dir) = dest.parent()
            && !dir.as_os_str().is_empty()
        {
            files::create_private_dir(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // A copy is as secret as the original.
        files::create_private(dest).map_err(|source| StoreError::CreateDir {
            path: dest.to_path_buf(),
            source,
        })?;
        let mut target = Connection::open(dest)?;
        let backup = rusqlite::backup::Backup::new(conn, &mut target)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
    }

    /// A server panel into a new SQLite file (its portable backup).
    fn copy_to_new_file(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(StoreError::Refused(crate::base::i18n::say(
                format!("{}:已存在;备份写入新文件。", dest.display()),
                format!("{}: exists; a backup goes into a new file.", dest.display()),
            )));
        }
        let mut target = Store::open(dest)?;
        self.copy_into(&mut target)?;
        Ok(())
    }

    /// A timestamped backup beside the database, in `<db>.backups/`,
    /// before something that cannot be undone by the audit log alone.
    pub fn backup_before(&self, what: &str) -> Result<PathBuf> {
        if self.is_server() {
            // The server's own backups and point-in-time recovery cover a
            // PostgreSQL panel; there is no file beside it to copy.
            return Ok(PathBuf::new());
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("jury.db");
        let dest = PathBuf::from(format!("{}.backups", self.path.display()))
            .join(format!("{stamp}-{what}-{name}"));
        self.backup_to(&dest)?;
        Ok(dest)
    }

    /// Replaces the database at `db` with the backup at `from`, after
    /// checking that the backup is intact, is a jury database this build
    /// understands, and passes `verify`. The current file is itself backed
    /// up first.
    pub fn restore(db: &Path, from: &Path) -> Result<PathBuf> {
        {
            let probe = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|source| StoreError::Open {
                    path: from.to_path_buf(),
                    source,
                })?;
            let ok: String = probe.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if ok != "ok" {
                let from = from.display();
                return Err(StoreError::Refused(crate::base::i18n::say(
                    format!("{from}:完整性检查未通过:{ok}"),
                    format!("{from}: integrity check failed: {ok}"),
                )));
            }
            let version: i64 = probe.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version == 0 || version > SCHEMA_VERSION {
                let from = from.display();
                return Err(StoreError::Refused(crate::base::i18n::say(
                    format!("{from}:不是本版本 jury 能读取的数据库(结构版本 {version})"),
                    format!("{from}: not a jury database this build can read (schema {version})"),
                )));
            }
        }
        // Verify a scratch copy (opening upgrades it if older).
        let scratch = tempfile::tempdir().map_err(|e| StoreError::Refused(e.to_string()))?;
        let copy = scratch.path().join("restore.db");
        std::fs::copy(from, &copy)
            .map_err(|e| StoreError::Refused(format!("{}: {e}", from.display())))?;
        let report = Store::open(&copy)?.verify()?;
        if !report.ok() {
            let from = from.display();
            let problem = report
                .problems
                .first()
                .map(|p| p.detail.clone())
                .unwrap_or_default();
            return Err(StoreError::Refused(crate::base::i18n::say(
                format!("{from}:备份未通过校验(verify):{problem}"),
                format!("{from}: the backup fails verify: {problem}"),
            )));
        }
        let saved = if db.exists() {
            Some(Store::open(db)?.backup_before("before-restore")?)
        } else {
            None
        };
        // Write the verified copy into place through the backup API, so a
        // reader never sees half a file.
        let source = Store::open(&copy)?;
        source.backup_to(db)?;
        Ok(saved.unwrap_or_else(|| db.to_path_buf()))
    }

    /// The audit chain's last entry and its hash (None: an empty log).
    pub fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.db()
            .query_opt("SELECT seq, hash FROM audit_head", args![])?
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .transpose()
    }

    /// Changes to recusal facts logged after `round`'s first score.
    pub fn recusal_fact_changes(&self, round: &str) -> Result<Vec<RecusalFactChange>> {
        audit::recusal_fact_changes(self.db(), round)
    }

    /// Every hash in the audit chain (for `verify --anchor`).
    pub fn audit_hashes(&self) -> Result<std::collections::BTreeSet<String>> {
        Ok(self
            .db()
            .query_map("SELECT hash FROM audit_log", args![], |r| r.get(0))?
            .into_iter()
            .collect())
    }

    /// A number that changes whenever another connection commits: poll it to
    /// notice changes made by other processes (other reviewers, the secretary).
    pub fn data_version(&self) -> Result<i64> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?),
            // Every change that matters to another screen is an audit
            // entry, and each notifies listeners (migration pg/0002).
            Engine::Pg(pg) => pg.borrow_mut().changes_heard(),
        }
    }

    /// Runs `f` in one write transaction: everything it does is committed
    /// together, or (on error, when `commit` is false, or when nothing
    /// changed) nothing is.
    pub fn write<T>(
        &mut self,
        actor: &str,
        commit: bool,
        f: impl FnOnce(&mut Writer<'_>) -> std::result::Result<T, StoreError>,
    ) -> Result<(T, ChangeLog)> {
        let conn = match &mut self.engine {
            Engine::Pg(pg) => return write_pg(sql::Db::Pg(pg), actor, commit, f),
            Engine::Sqlite(conn) => conn,
        };
        // Another process may hold the write lock: SQLite waits up to the
        // busy timeout, and we try again with growing pauses before giving
        // up with a plain message (never "database is locked").
        let mut pause = Duration::from_millis(25);
        let mut attempt = 0;
        let tx = loop {
            match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
                Ok(tx) => break tx,
                Err(e) if is_busy(&e) && attempt < BUSY_RETRIES => {
                    attempt += 1;
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(800));
                }
                Err(e) if is_busy(&e) => return Err(StoreError::Busy),
                Err(e) => return Err(e.into()),
            }
        };
        let mut writer = Writer::new(sql::Db::Sqlite(&tx), actor);
        let value = f(&mut writer)?;
        let log = writer.into_log();
        // A transaction that changed nothing is rolled back, so that a no-op
        // import leaves the file byte-for-byte as it was.
        if commit && log.changed() {
            tx.commit()?;
        } else {
            tx.rollback()?;
        }
        Ok((value, log))
    }
}

impl Store {
    /// Runs `f` in one transaction under the write lock, without the
    /// writer's rules or the audit chain (for `copy`, which moves rows that
    /// are already logged): committed if `f` succeeds, else rolled back.
    pub(crate) fn write_raw<T>(&mut self, f: impl FnOnce(sql::Db<'_>) -> Result<T>) -> Result<T> {
        let db = self.db();
        match &self.engine {
            Engine::Sqlite(_) => db.batch("BEGIN IMMEDIATE")?,
            Engine::Pg(_) => {
                db.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
                db.execute("SELECT pg_advisory_xact_lock(?1)", args![PG_WRITE_LOCK])?;
            }
        }
        match f(db) {
            Ok(v) => {
                db.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                db.batch("ROLLBACK")?;
                Err(e)
            }
        }
    }
}

/// One write transaction on PostgreSQL: the write lock first (so the audit
/// chain's head is read as the last writer left it), then `f`, then commit
/// (or roll back on error, when asked to, or when nothing changed).
fn write_pg<T>(
    db: sql::Db<'_>,
    actor: &str,
    commit: bool,
    f: impl FnOnce(&mut Writer<'_>) -> std::result::Result<T, StoreError>,
) -> Result<(T, ChangeLog)> {
    db.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
    let run = || -> Result<(T, ChangeLog)> {
        db.execute("SELECT pg_advisory_xact_lock(?1)", args![PG_WRITE_LOCK])?;
        let mut writer = Writer::new(db, actor);
        let value = f(&mut writer)?;
        Ok((value, writer.into_log()))
    };
    match run() {
        Ok((value, log)) => {
            db.batch(if commit && log.changed() {
                "COMMIT"
            } else {
                "ROLLBACK"
            })?;
            Ok((value, log))
        }
        Err(e) => {
            db.batch("ROLLBACK")?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_server_url_is_shown_without_its_password() {
        let shown = |s: &str| super::shown(std::path::Path::new(s));
        assert_eq!(
            shown("postgres://jury:s3cret@db.example/panel"),
            "postgres://jury:***@db.example/panel"
        );
        assert_eq!(
            shown("postgres://jury@db/panel"),
            "postgres://jury@db/panel"
        );
        assert_eq!(shown("/srv/jury/panel.db"), "/srv/jury/panel.db");
    }
}
