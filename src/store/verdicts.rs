//! Each application's eligibility verdict and the checks it failed, stored
//! beside it (columns `applications.verdict`, migrations 0010 and pg/0005,
//! and `failed_checks`, 0011 and pg/0006) so that the queue, the matrix and
//! the list read them rather than every application's texts. Computed by the
//! domain's `assess` whenever an application, its investment plan or its
//! call changes, and for every application when a store is upgraded or
//! copied.

use super::sql::{Db, args};
use super::{Result, read};
use crate::domain::{Application, Call, assess};

/// Stores the verdict of each of `apps` (of `call`).
pub(crate) fn refresh(db: Db<'_>, call: &Call, apps: &[Application]) -> Result<()> {
    for app in apps {
        let assessed = assess(call, app);
        let failed: Vec<_> = assessed.failures().map(|c| c.kind).collect();
        db.execute(
            "UPDATE applications SET verdict = ?2, failed_checks = ?3 WHERE id = ?1",
            args![
                app.id,
                assessed.verdict.as_str(),
                serde_json::to_string(&failed).expect("check kinds serialise")
            ],
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
