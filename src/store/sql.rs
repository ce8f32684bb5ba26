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
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Text(hex::encode(b)),
        });
    }
    Ok(Row { cells })
}

impl Db<'_> {
    /// Runs a statement that changes rows; the number changed.
    pub(crate) fn execute(&self, sql: &str, args: &[Param<'_>]) -> Result<usize> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(args.iter()))?)
            }
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
        }
    }

    /// (table, referenced table) of every row whose foreign key points at
    /// nothing.
    pub(crate) fn dangling_references(&self) -> Result<Vec<(String, String)>> {
        match self {
            Db::Sqlite(_) => self.query_map("PRAGMA foreign_key_check", args![], |r| {
                Ok((r.get(0)?, r.get(2)?))
            }),
        }
    }
}
