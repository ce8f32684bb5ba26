//! Each application's eligibility verdict, stored beside it (column
//! `applications.verdict`, migrations 0010 and pg/0005) so that the queue
//! reads it rather than every application's texts. Computed by the
//! domain's `assess` whenever an application, its investment plan or its
//! call changes, and for every application when a store is upgraded or
//! copied.

use super::sql::{Db, args};
use super::{Result, read};
use crate::domain::{Application, Call, assess};

/// Stores the verdict of each of `apps` (of `call`).
pub(crate) fn refresh(db: Db<'_>, call: &Call, apps: &[Application]) -> Result<()> {
    for app in apps {
        db.execute(
            "UPDATE applications SET verdict = ?2 WHERE id = ?1",
            args![app.id, assess(call, app).verdict.as_str()],
        )?;
    }
    Ok(())
}

/// Stores the verdicts of every application of `call`.
pub(crate) fn refresh_call(db: Db<'_>, call: &Call) -> Result<()> {
    refresh(db, call, &read::applications(db, &call.info.id)?)
}

/// Stores every application's verdict.
pub(crate) fn refresh_all(db: Db<'_>) -> Result<()> {
    for call in read::calls(db)? {
        refresh_call(db, &call)?;
    }
    Ok(())
}
