//! On a PostgreSQL server the members are database roles (issue 12): who is
//! asking is the session's own login role, and row-level security
//! (migration pg/0003) applies the visibility rules inside the server. This
//! module names the panel's roles, creates them, and grants each what it
//! needs. On SQLite there are no roles: the operator of the file acts, and
//! every function here answers accordingly.
//!
//! Roles are cluster-wide while a panel is one database, so each panel's
//! roles carry its database's name: `jury_owner`, `jury_members`,
//! `jury_secretaries`, `jury_auditors`, and one login role per member,
//! `jury_m02`, for a database `jury`.

use super::sql::Db;
use super::sql::args;
use super::{Engine, Result, Store, StoreError};
use crate::base::i18n::say;
use std::collections::BTreeMap;

/// Who the session is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// The administrator: a SQLite file's operator, or on a server a
    /// superuser or a member of the panel's owner role.
    Operator,
    /// A panel member, signed in as their own database role.
    Member(String),
    /// A role of the auditors' group (`jury roles --auditor`): reads
    /// everything, writes nothing.
    Auditor(String),
    /// A server role that is neither (named).
    Stranger(String),
}

/// What `jury roles` did for one member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberRole {
    /// None: an auditor's role (`jury roles --auditor`), not a member's.
    pub member: Option<String>,
    pub role: String,
    pub secretary: bool,
    /// "created", "updated" or "revoked" (a removed member's role).
    pub change: &'static str,
}

/// The panel's group roles, named after its database.
struct Groups {
    database: String,
    prefix: String,
}

impl Groups {
    fn owner(&self) -> String {
        format!("{}owner", self.prefix)
    }
    fn members(&self) -> String {
        format!("{}members", self.prefix)
    }
    fn secretaries(&self) -> String {
        format!("{}secretaries", self.prefix)
    }
    fn auditors(&self) -> String {
        format!("{}auditors", self.prefix)
    }
    fn member(&self, id: &str) -> Result<String> {
        let name = format!("{}{id}", self.prefix);
        // PostgreSQL cuts longer names silently: two members could collide.
        if name.len() > 63 {
            return Err(StoreError::Refused(say(
                format!("成员 {id} 的数据库角色名 {name} 超过 63 字节"),
                format!("member {id}'s database role name {name} is longer than 63 bytes"),
            )));
        }
        Ok(name)
    }
}

/// An identifier, quoted for SQL.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Tables every member reads (row-level security decides which rows).
const READ: &[&str] = &[
    "calls",
    "rounds",
    "applications",
    "projects",
    "members",
    "conflicts",
    "assignments",
    "reviews",
    "scores",
    "edit_buffers",
    "exports",
    "deliberations",
    "revisits",
    "member_secrets",
    "decisions",
    "decisions_read",
    "prior_decisions",
    "search_names",
    "search_entries",
    "overrides",
    "investment_actuals",
    "anchors",
    "audit_log",
    "audit_head",
    "review_progress",
    "jury_schema",
    "jury.settings",
    "jury.member_roles",
    "jury.call_rules",
    "jury.recusals",
];
/// Tables every member writes: their own reviews (the policies say whose).
const MEMBER_WRITE: &[&str] = &["reviews", "scores", "edit_buffers", "revisits"];
/// Tables the secretaries also write (the policies keep them out of what
/// they are recused from, and off their own recusal facts).
const SECRETARY_WRITE: &[&str] = &[
    "calls",
    "rounds",
    "applications",
    "projects",
    "members",
    "conflicts",
    "assignments",
    "exports",
    "deliberations",
    "decisions",
    "prior_decisions",
    "search_names",
    "search_entries",
    "overrides",
    "investment_actuals",
    "anchors",
];

impl Store {
    /// Who this session is.
    pub fn session(&self) -> Result<Session> {
        let db = self.db();
        match &self.engine {
            Engine::Sqlite(_) => Ok(Session::Operator),
            Engine::Pg(_) => {
                let row = db
                    .query_opt(
                        "SELECT jury.me(), jury.operator(), jury.reads_all(), session_user::text",
                        args![],
                    )?
                    .ok_or_else(|| StoreError::Corrupt("no session".into()))?;
                let me: Option<String> = row.get(0)?;
                let operator: bool = row.get(1)?;
                let reads_all: bool = row.get(2)?;
                let role: String = row.get(3)?;
                Ok(match me {
                    Some(m) => Session::Member(m),
                    None if operator => Session::Operator,
                    None if reads_all => Session::Auditor(role),
                    None => Session::Stranger(role),
                })
            }
        }
    }

    /// Each member's database role (empty on SQLite).
    pub fn db_roles(&self) -> Result<BTreeMap<String, String>> {
        if !self.is_server() {
            return Ok(BTreeMap::new());
        }
        Ok(self
            .db()
            .query_map(
                "SELECT member_id, role_name FROM jury.member_roles ORDER BY member_id",
                args![],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .into_iter()
            .collect())
    }

    /// `jury init` on a server: the panel's tables handed to an owner role
    /// that no client logs in as, its group roles created and granted. Run
    /// by a superuser, or a role that may create roles and owns the tables.
    /// Returns the owner role's name (None on SQLite: nothing to do).
    pub fn init_server(&mut self) -> Result<Option<String>> {
        if !self.is_server() {
            return Ok(None);
        }
        self.require_operator("init")?;
        let groups = groups(self.db())?;
        self.write_raw(|db| {
            let owner = groups.owner();
            for role in [
                owner.clone(),
                groups.members(),
                groups.secretaries(),
                groups.auditors(),
            ] {
                ensure_role(db, &role, false)?;
            }
            // A non-superuser administrator hands objects over only as a
            // member of the role receiving them.
            db.batch(&format!("GRANT {} TO CURRENT_USER", ident(&owner)))?;
            hand_over(db, &owner)?;
            for (key, value) in [
                ("owner", owner.clone()),
                ("members", groups.members()),
                ("secretaries", groups.secretaries()),
                ("auditors", groups.auditors()),
            ] {
                db.execute(
                    "INSERT INTO jury.settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    args![key, &value],
                )?;
            }
            grant(db, &groups)?;
            Ok(Some(owner))
        })
    }

    /// `jury roles`: one login role per member, in the members' group (and
    /// the secretaries' where the member is one); the roles of members who
    /// left lose their groups and their login, and their mapping.
    /// `auditors` are login roles (not members) that read everything, to
    /// verify the chain.
    pub fn sync_roles(&mut self, auditors: &[String]) -> Result<Vec<MemberRole>> {
        if !self.is_server() {
            return Err(StoreError::Refused(say(
                "成员对应数据库角色仅用于 PostgreSQL 服务器",
                "members are database roles only on a PostgreSQL server",
            )));
        }
        self.require_operator("roles")?;
        let groups = groups(self.db())?;
        let members = self.members()?;
        let mapped = self.db_roles()?;
        self.write_raw(|db| {
            grant(db, &groups)?;
            let mut done = Vec::new();
            for m in &members {
                let role = groups.member(&m.id)?;
                let created = ensure_role(db, &role, true)?;
                let secretary = m.has_role(crate::domain::Role::Secretary);
                db.batch(&format!(
                    "GRANT {g} TO {r}; {verb} {s} {dir} {r};",
                    g = ident(&groups.members()),
                    r = ident(&role),
                    verb = if secretary { "GRANT" } else { "REVOKE" },
                    s = ident(&groups.secretaries()),
                    dir = if secretary { "TO" } else { "FROM" },
                ))?;
                db.execute(
                    "INSERT INTO jury.member_roles (member_id, role_name) VALUES (?1, ?2)
                     ON CONFLICT (member_id) DO UPDATE SET role_name = EXCLUDED.role_name",
                    args![&m.id, &role],
                )?;
                done.push(MemberRole {
                    member: Some(m.id.clone()),
                    role,
                    secretary,
                    change: if created { "created" } else { "updated" },
                });
            }
            for (id, role) in mapped {
                if members.iter().any(|m| m.id == id) {
                    continue;
                }
                if exists(db, &role)? {
                    db.batch(&format!(
                        "REVOKE {g}, {s} FROM {r}; ALTER ROLE {r} NOLOGIN;",
                        g = ident(&groups.members()),
                        s = ident(&groups.secretaries()),
                        r = ident(&role),
                    ))?;
                }
                db.execute(
                    "DELETE FROM jury.member_roles WHERE member_id = ?1",
                    args![&id],
                )?;
                done.push(MemberRole {
                    member: Some(id),
                    role,
                    secretary: false,
                    change: "revoked",
                });
            }
            for role in auditors {
                if mapped_to_member(db, role)? {
                    return Err(StoreError::Refused(say(
                        format!("角色 {role} 是评审组成员的角色,不能兼作审计"),
                        format!("role {role} is a member's role and may not also audit"),
                    )));
                }
                let created = ensure_role(db, role, true)?;
                db.batch(&format!(
                    "GRANT {} TO {}",
                    ident(&groups.auditors()),
                    ident(role)
                ))?;
                done.push(MemberRole {
                    member: None,
                    role: role.clone(),
                    secretary: false,
                    change: if created { "created" } else { "updated" },
                });
            }
            Ok(done)
        })
    }

    /// Refuses what reads every row (verify, copy) where the session may
    /// not: on a server, a member's policies would show it a partial panel.
    pub fn require_reads_all(&self, what: &str) -> Result<()> {
        if !self.is_server() {
            return Ok(());
        }
        let all: Option<bool> = self.db().value("SELECT jury.reads_all()", args![])?;
        if all == Some(true) {
            return Ok(());
        }
        Err(StoreError::Refused(say(
            format!(
                "{what}需要读取每一行:在服务器上请用管理员连接,或审计角色(jury roles --auditor 角色名)"
            ),
            format!(
                "{what} reads every row: on the server run it from the administrator's connection, or as an auditor role (jury roles --auditor ROLE)"
            ),
        )))
    }

    fn require_operator(&self, what: &str) -> Result<()> {
        match self.session()? {
            Session::Operator => Ok(()),
            Session::Member(m) => Err(StoreError::Refused(say(
                format!("{what}:仅管理员可用(当前为成员 {m} 的角色)"),
                format!("{what}: only the administrator may do this (this session is member {m})"),
            ))),
            Session::Auditor(r) | Session::Stranger(r) => Err(StoreError::Refused(say(
                format!("{what}:角色 {r} 既非超级用户,也不属于本评审组的所有者角色"),
                format!("{what}: role {r} is neither a superuser nor in this panel's owner role"),
            ))),
        }
    }
}

fn groups(db: Db<'_>) -> Result<Groups> {
    let database: String = db
        .value("SELECT current_database()::text", args![])?
        .unwrap_or_default();
    Ok(Groups {
        prefix: format!("{database}_"),
        database,
    })
}

fn mapped_to_member(db: Db<'_>, role: &str) -> Result<bool> {
    Ok(db
        .value::<i64>(
            "SELECT 1 FROM jury.member_roles WHERE role_name = ?1",
            args![role],
        )?
        .is_some())
}

fn exists(db: Db<'_>, role: &str) -> Result<bool> {
    Ok(db
        .value::<i64>(
            "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?1",
            args![role],
        )?
        .is_some())
}

/// Creates `role` if it does not exist (returns whether it did), and sets
/// whether it may log in.
fn ensure_role(db: Db<'_>, role: &str, login: bool) -> Result<bool> {
    let login = if login { "LOGIN" } else { "NOLOGIN" };
    if exists(db, role)? {
        db.batch(&format!("ALTER ROLE {} {login}", ident(role)))?;
        Ok(false)
    } else {
        db.batch(&format!("CREATE ROLE {} {login}", ident(role)))?;
        Ok(true)
    }
}

/// Every table, view, sequence and function of the panel, and the `jury`
/// schema, to the owner role.
fn hand_over(db: Db<'_>, owner: &str) -> Result<()> {
    let o = ident(owner);
    let relations: Vec<(String, String, String)> = db.query_map(
        "SELECT n.nspname::text, c.relname::text, c.relkind::text
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('public', 'jury') AND c.relkind IN ('r', 'v', 'S')
         ORDER BY c.relkind DESC",
        args![],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    // What later migrations create, they create as the owner, in public.
    db.batch(&format!(
        "ALTER SCHEMA jury OWNER TO {o}; GRANT CREATE ON SCHEMA public TO {o}"
    ))?;
    for (schema, name, kind) in relations {
        let what = match kind.as_str() {
            "v" => "VIEW",
            // An identity column's sequence follows its table.
            "S" => continue,
            _ => "TABLE",
        };
        db.batch(&format!(
            "ALTER {what} {}.{} OWNER TO {o}",
            ident(&schema),
            ident(&name)
        ))?;
    }
    let functions: Vec<String> = db.query_map(
        "SELECT p.oid::regprocedure::text
         FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname IN ('public', 'jury')
           -- An extension's functions (pg_trgm's) stay the extension's.
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                           WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                             AND d.objid = p.oid AND d.deptype = 'e')",
        args![],
        |r| r.get(0),
    )?;
    for f in functions {
        db.batch(&format!("ALTER FUNCTION {f} OWNER TO {o}"))?;
    }
    Ok(())
}

/// Grants again what each group may do on the tables, once a migration
/// has added some (nothing to do before `jury init` has named the groups).
pub(crate) fn grant_again(db: Db<'_>) -> Result<()> {
    let named: Option<String> = db.value(
        "SELECT value FROM jury.settings WHERE key = 'members'",
        args![],
    )?;
    if named.is_none() {
        return Ok(());
    }
    db.batch(&table_grants(&groups(db)?))
}

/// What each group may do; row-level security narrows it to rows.
fn grant(db: Db<'_>, groups: &Groups) -> Result<()> {
    let (m, s, a) = (
        ident(&groups.members()),
        ident(&groups.secretaries()),
        ident(&groups.auditors()),
    );
    let mut sql = format!(
        "REVOKE CONNECT, TEMPORARY ON DATABASE {d} FROM PUBLIC;
         GRANT CONNECT ON DATABASE {d} TO {m}, {a}, {o};
         GRANT USAGE ON SCHEMA jury TO {m}, {a};",
        d = ident(&groups.database),
        o = ident(&groups.owner()),
    );
    sql.push_str(&table_grants(groups));
    // A secretary is a member too.
    sql.push_str(&format!("GRANT {m} TO {s};"));
    db.batch(&sql)
}

/// The groups' rights on the tables.
fn table_grants(groups: &Groups) -> String {
    let (m, s, a) = (
        ident(&groups.members()),
        ident(&groups.secretaries()),
        ident(&groups.auditors()),
    );
    format!(
        "GRANT SELECT ON {all_read} TO {m}, {a};
         GRANT INSERT, UPDATE, DELETE ON {mw} TO {m};
         GRANT INSERT ON audit_log TO {m};
         GRANT INSERT, UPDATE, DELETE ON {sw} TO {s};
         GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {m};",
        all_read = READ.join(", "),
        mw = MEMBER_WRITE.join(", "),
        sw = SECRETARY_WRITE.join(", "),
    )
}

/// How many applications of `round` this session may not read the scores
/// of, on a server (0 on SQLite, and for the operator). A list computed
/// from what a member reads through the policies would be computed without
/// those: whatever decides from every score refuses instead.
pub(crate) fn hidden_on_server(db: Db<'_>, round: &str) -> Result<i64> {
    match db {
        Db::Sqlite(_) => Ok(0),
        Db::Pg(_) => Ok(db
            .value(
                "SELECT count(*) FROM jury.hidden_pairs() WHERE round_id = ?1",
                args![round],
            )?
            .unwrap_or(0)),
    }
}
