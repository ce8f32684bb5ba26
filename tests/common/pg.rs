//! The PostgreSQL half's fixtures: a fresh database per test on the server
//! named by `JURY_TEST_PG`, its roles, and connections as a member's role.

use std::path::PathBuf;

/// A fresh database on the test server, dropped when the guard goes.
pub struct PgDb {
    pub admin: String,
    pub name: String,
    pub url: String,
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            // Roles are the cluster's, not the database's: `jury init` and
            // `jury roles` named theirs after it.
            drop_roles(&mut c, &self.name);
        }
    }
}

/// Says once per test program, past the test harness's capture of
/// `eprintln!` (which would hide it in a passing test), that its
/// PostgreSQL half did not run, and why.
fn skipped(why: &str) {
    use std::io::Write;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let program = std::env::args().next().unwrap_or_default();
        let program = std::path::Path::new(&program)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        // "lifecycle-e637535d673d335c": the test file's name.
        let program = program
            .rsplit_once('-')
            .map_or(program.as_str(), |(p, _)| p);
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the PostgreSQL half of {program} ({why})"
        );
    });
}

pub fn pg_db(tag: &str) -> Option<PgDb> {
    let required = std::env::var("JURY_REQUIRE_PG").is_ok_and(|v| v == "1");
    let Ok(admin) = std::env::var("JURY_TEST_PG") else {
        assert!(
            !required,
            "JURY_REQUIRE_PG=1 but JURY_TEST_PG names no server"
        );
        skipped(
            "JURY_TEST_PG names no server: set JURY_TEST_PG=postgres://USER@HOST/DB, a role that may create databases and roles, to run it",
        );
        return None;
    };
    let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            assert!(
                !required,
                "JURY_REQUIRE_PG=1 but {admin} does not answer: {e}"
            );
            skipped(&format!("{admin} does not answer: {e}"));
            return None;
        }
    };
    let name = format!("jury_test_{tag}_{}", std::process::id());
    // One statement each: a multi-statement batch is one transaction, and
    // neither may run inside one.
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .expect("drop a leftover test database");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    // The same server and role, the new database.
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    let url = format!("{base}/{name}");
    Some(PgDb { admin, name, url })
}

/// Drops the roles named after database `name` (`{name}_…`).
fn drop_roles(c: &mut postgres::Client, name: &str) {
    let pattern = format!("{}\\_%", name.replace('_', "\\_"));
    let roles: Vec<String> = c
        .query(
            "SELECT rolname::text FROM pg_roles WHERE rolname LIKE $1",
            &[&pattern],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    for r in roles {
        let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS \"{r}\""));
    }
}

impl PgDb {
    pub fn path(&self) -> PathBuf {
        PathBuf::from(&self.url)
    }

    /// The same database, as login role `role` (the test server trusts
    /// local connections, as peer authentication would a member's account).
    pub fn as_role(&self, role: &str) -> PathBuf {
        let (scheme, rest) = self.url.split_once("://").expect("a URL");
        let host = rest.split_once('@').map_or(rest, |(_, h)| h);
        PathBuf::from(format!("{scheme}://{role}@{host}"))
    }

    /// Member `id`'s role, as `jury roles` names it.
    pub fn member_role(&self, id: &str) -> String {
        format!("{}_{id}", self.name)
    }

    /// A client connected as `role`, as `psql` would be.
    pub fn client_as(&self, role: &str) -> postgres::Client {
        postgres::Client::connect(self.as_role(role).to_str().unwrap(), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect as {role}: {e}"))
    }
}

/// A digest of every row of every table of the database at `url` (as its
/// administrator), to show that a refused command changed nothing.
pub fn digest_rows(url: &str) -> String {
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let tables: Vec<String> = c
        .query(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
             WHERE schemaname IN ('public', 'jury') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut all = String::new();
    for t in tables {
        let d: Option<String> = c
            .query_one(
                &format!("SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM {t} x"),
                &[],
            )
            .unwrap()
            .get(0);
        all.push_str(&format!("{t}={}\n", d.unwrap_or_default()));
    }
    all
}

impl PgDb {
    /// A new database made from this one (`CREATE DATABASE … TEMPLATE`),
    /// dropped with its guard: the server's own copy, as a file is copied.
    /// Nobody may be connected to this one meanwhile.
    pub fn clone_as(&self, suffix: &str) -> PgDb {
        let name = format!("{}_{suffix}", self.name);
        let mut c = postgres::Client::connect(&self.admin, postgres::NoTls).expect("connect");
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {}", self.name))
            .unwrap_or_else(|e| panic!("copy {} to {name}: {e}", self.name));
        let base = self
            .url
            .rsplit_once('/')
            .map_or(self.url.as_str(), |(b, _)| b);
        PgDb {
            admin: self.admin.clone(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}
