//! One SQL surface over the engines, so that the store's reads, writes and
//! audit chain are written once (issue 12: SQLite today, PostgreSQL next).
//! Statements are written with `?1, ?2 …` placeholders and the SQL both
//! engines share (`ON CONFLICT … DO UPDATE`, `coalesce`, `RETURNING`); an
//! engine rewrites what it must (PostgreSQL's `$1`). Values cross as four
//! kinds (null, integer, real, text): the store keeps JSON, dates and
//! flags as text and booleans as 0/1 integers on every engine, so that a
//! row's canonical JSON, and with it the audit chain, is the same whichever
//! engine holds it.
//!
//! Hand-written rather than an ORM or query builder: jury's SQL is already
//! hand-written and portable, and what differs between the engines (row
//! security, roles, notifications, advisory locks, backups) lies outside
//! any builder anyway (see `shared/research/server-engine.md`, 1.2).

use super::Result;

/// One cell read back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// One row read back, by column position.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    cells: Vec<Value>,
}

/// A Rust value from a cell.
pub(crate) trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }
}
impl FromValue for i32 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(n) => i32::try_from(*n).ok(),
            _ => None,
        }
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(x) => Some(*x),
            // SQLite keeps a whole REAL as an integer when it can.
            Value::Int(n) => Some(*n as f64),
            _ => None,
        }
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(n) => Some(*n != 0),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl Row {
    /// Column `i` as `T`; a cell of another kind is a corrupt store.
    pub(crate) fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self.cells.get(i).unwrap_or(&Value::Null);
        T::from_value(v).ok_or_else(|| {
            super::StoreError::Corrupt(format!(
                "column {i}: expected {}, found {v:?}",
                std::any::type_name::<T>()
            ))
        })
    }

    /// Column `i` as read.
    pub(crate) fn value(&self, i: usize) -> &Value {
        self.cells.get(i).unwrap_or(&Value::Null)
    }
}

/// One bound parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// A value that can be bound to a statement.
pub(crate) trait AsParam {
    fn param(&self) -> Param<'_>;
}

impl AsParam for str {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl AsParam for String {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl AsParam for i64 {
    fn param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}
impl AsParam for i32 {
    fn param(&self) -> Param<'_> {
        Param::Int((*self).into())
    }
}
impl AsParam for usize {
    fn param(&self) -> Param<'_> {
        Param::Int(*self as i64)
    }
}
impl AsParam for f64 {
    fn param(&self) -> Param<'_> {
        Param::Real(*self)
    }
}
impl AsParam for bool {
    fn param(&self) -> Param<'_> {
        Param::Int((*self).into())
    }
}
impl<T: AsParam + ?Sized> AsParam for &T {
    fn param(&self) -> Param<'_> {
        (**self).param()
    }
}
impl<T: AsParam> AsParam for Option<T> {
    fn param(&self) -> Param<'_> {
        self.as_ref().map_or(Param::Null, AsParam::param)
    }
}

/// The parameters of a statement: `args![a, b, c]`.
macro_rules! args {
    () => { &[] as &[$crate::store::sql::Param<'_>] };
    ($($x:expr),+ $(,)?) => {
        &[$($crate::store::sql::AsParam::param(&$x)),+] as &[$crate::store::sql::Param<'_>]
    };
}
pub(crate) use args;

/// A connection (or a transaction on one) of an engine.
#[derive(Clone, Copy)]
pub(crate) enum Db<'c> {
    Sqlite(&'c rusqlite::Connection),
    Pg(&'c std::cell::RefCell<PgConn>),
}

/// A PostgreSQL connection with its prepared statements (the `postgres`
/// crate prepares on every call otherwise: a second round trip each time).
pub(crate) struct PgConn {
    pub(crate) client: postgres::Client,
    statements: std::collections::HashMap<String, postgres::Statement>,
    /// Change notifications heard so far (None: not listening yet).
    heard: Option<i64>,
}

impl PgConn {
    pub(crate) fn new(client: postgres::Client) -> PgConn {
        PgConn {
            client,
            statements: Default::default(),
            heard: None,
        }
    }

    /// A number that moves when any connection commits an audited change:
    /// the count of `jury_changed` notifications heard since listening
    /// began (the first call starts listening). Waits at most 1 ms.
    pub(crate) fn changes_heard(&mut self) -> Result<i64> {
        let heard = match self.heard {
            Some(n) => n,
            None => {
                self.client.batch_execute("LISTEN jury_changed")?;
                0
            }
        };
        let mut new = 0;
        let mut pending = self.client.notifications();
        // `iter()` reads only what the connection's runtime has already
        // taken off the socket, and nothing drives that runtime between
        // queries: a 1 ms wait lets it read what has arrived.
        let mut it = pending.timeout_iter(std::time::Duration::from_millis(1));
        use postgres::fallible_iterator::FallibleIterator;
        while let Some(n) = it.next()? {
            if n.channel() == "jury_changed" {
                new += 1;
            }
        }
        self.heard = Some(heard + new);
        Ok(heard + new)
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.client.prepare(&dollar_placeholders(sql))?;
        self.statements.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }
}

/// `?1` → `$1`: the one spelling the engines do not share. jury's SQL has
/// no `?` inside string literals.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// A parameter takes the type the server inferred for its place: jury's
/// four kinds of value map onto PostgreSQL's (bigint, double precision,
/// text), and NULL fits any.
impl postgres::types::ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::{IsNull, Type};
        match (self, ty) {
            (Param::Null, _) => Ok(IsNull::Yes),
            (Param::Int(n), &Type::INT8) => n.to_sql(ty, out),
            (Param::Int(n), &Type::INT4) => i32::try_from(*n)?.to_sql(ty, out),
            (Param::Int(n), &Type::INT2) => i16::try_from(*n)?.to_sql(ty, out),
            (Param::Int(n), &Type::FLOAT8) => (*n as f64).to_sql(ty, out),
            (Param::Int(n), &Type::BOOL) => (*n != 0).to_sql(ty, out),
            (Param::Int(n), _) => n.to_string().as_str().to_sql(ty, out),
            (Param::Real(x), &Type::FLOAT4) => (*x as f32).to_sql(ty, out),
            (Param::Real(x), &Type::FLOAT8) => x.to_sql(ty, out),
            (Param::Real(x), _) => x.to_string().as_str().to_sql(ty, out),
            // Keys are logged and passed as text; a year key is an integer
            // column.
            (Param::Text(s), &Type::INT8) => s.parse::<i64>()?.to_sql(ty, out),
            (Param::Text(s), &Type::INT4) => s.parse::<i32>()?.to_sql(ty, out),
            (Param::Text(s), &Type::FLOAT8) => s.parse::<f64>()?.to_sql(ty, out),
            (Param::Text(s), _) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn pg_row(r: &postgres::Row) -> Result<Row> {
    use postgres::types::Type;
    let mut cells = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => r
                .try_get::<_, Option<i32>>(i)?
                .map(|n| Value::Int(n.into())),
            Type::INT2 => r
                .try_get::<_, Option<i16>>(i)?
                .map(|n| Value::Int(n.into())),
            Type::BOOL => r
                .try_get::<_, Option<bool>>(i)?
                .map(|b| Value::Int(b.into())),
            Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => r
                .try_get::<_, Option<f32>>(i)?
                .map(|x| Value::Real(x.into())),
            _ => r.try_get::<_, Option<String>>(i)?.map(Value::Text),
        };
        cells.push(v.unwrap_or(Value::Null));
    }
    Ok(Row { cells })
}

fn pg_params<'p>(args: &'p [Param<'_>]) -> Vec<&'p (dyn postgres::types::ToSql + Sync)> {
    args.iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Param::Null => ValueRef::Null,
            Param::Int(n) => ValueRef::Integer(*n),
            Param::Real(x) => ValueRef::Real(*x),
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

fn sqlite_row(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Row> {
    use rusqlite::types::ValueRef;
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        cells.push(match r.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::Int(n),
            ValueRef::Real(x) => Value::Real(x),
            // Valid UTF-8 (what jury writes) takes the fast check; anything
            // else is repaired rather than refused.
            ValueRef::Text(t) => Value::Text(match std::str::from_utf8(t) {
                Ok(s) => s.to_owned(),
                Err(_) => String::from_utf8_lossy(t).into_owned(),
            }),
            ValueRef::Blob(b) => Value::Text(hex::encode(b)),
        });
    }
    Ok(Row { cells })
}

impl Db<'_> {
    /// Runs statements with no parameters (schema, transaction control).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Db::Pg(pg) => Ok(pg.borrow_mut().client.batch_execute(sql)?),
        }
    }

    /// Runs a statement that changes rows; the number changed.
    pub(crate) fn execute(&self, sql: &str, args: &[Param<'_>]) -> Result<usize> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(args.iter()))?)
            }
            Db::Pg(pg) => {
                let mut pg = pg.borrow_mut();
                let stmt = pg.statement(sql)?;
                Ok(pg.client.execute(&stmt, &pg_params(args))? as usize)
            }
        }
    }

    /// For the rest of the transaction, plans each statement for its own
    /// parameters (PostgreSQL). A bulk write's reads by key are prepared
    /// while its table is small, and a plan the server caches then (a scan
    /// of the whole table) would stay as the table grows to millions of
    /// rows. SQLite plans with its indexes whatever the size.
    pub(crate) fn plan_each_statement(&self) -> Result<()> {
        match self {
            Db::Sqlite(_) => Ok(()),
            Db::Pg(_) => self.batch("SET LOCAL plan_cache_mode = force_custom_plan"),
        }
    }

    /// Calls `f` on each row in turn (for scans too long to hold at once).
    pub(crate) fn for_each(
        &self,
        sql: &str,
        args: &[Param<'_>],
        mut f: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                while let Some(r) = rows.next()? {
                    f(&sqlite_row(r, n)?)?;
                }
                Ok(())
            }
            Db::Pg(pg) => {
                let rows = {
                    let mut pg = pg.borrow_mut();
                    let stmt = pg.statement(sql)?;
                    pg.client.query(&stmt, &pg_params(args))?
                };
                for r in &rows {
                    f(&pg_row(r)?)?;
                }
                Ok(())
            }
        }
    }

    /// Every row.
    pub(crate) fn query(&self, sql: &str, args: &[Param<'_>]) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        self.for_each(sql, args, |r| {
            out.push(r.clone());
            Ok(())
        })?;
        Ok(out)
    }

    /// Every row, each made into a `T`.
    pub(crate) fn query_map<T>(
        &self,
        sql: &str,
        args: &[Param<'_>],
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.for_each(sql, args, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, if any.
    pub(crate) fn query_opt(&self, sql: &str, args: &[Param<'_>]) -> Result<Option<Row>> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                match rows.next()? {
                    Some(r) => Ok(Some(sqlite_row(r, n)?)),
                    None => Ok(None),
                }
            }
            Db::Pg(_) => Ok(self.query(sql, args)?.into_iter().next()),
        }
    }

    /// The first column of the first row, if there is a row.
    pub(crate) fn value<T: FromValue>(&self, sql: &str, args: &[Param<'_>]) -> Result<Option<T>> {
        self.query_opt(sql, args)?.map(|r| r.get(0)).transpose()
    }

    /// The engine's own check of its storage: "ok", or what it found.
    pub(crate) fn integrity(&self) -> Result<String> {
        match self {
            Db::Sqlite(_) => Ok(self
                .value::<String>("PRAGMA integrity_check", args![])?
                .unwrap_or_else(|| "ok".into())),
            // The server keeps its own pages; nothing to ask of it here.
            Db::Pg(_) => Ok("ok".into()),
        }
    }

    /// (table, referenced table) of every row whose foreign key points at
    /// nothing.
    pub(crate) fn dangling_references(&self) -> Result<Vec<(String, String)>> {
        match self {
            Db::Sqlite(_) => self.query_map("PRAGMA foreign_key_check", args![], |r| {
                Ok((r.get(0)?, r.get(2)?))
            }),
            // Enforced by the server on every write; never deferred.
            Db::Pg(_) => Ok(Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_become_dollars_and_nothing_else_changes() {
        assert_eq!(
            super::dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c IN (?2, ?10) -- ?"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $10) -- ?"
        );
    }
}
