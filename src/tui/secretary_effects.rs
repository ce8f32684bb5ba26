//! The runtime of the secretary's screens: loading the matrix and the
//! list, their writes (overrides, discussion, revisits, advancing,
//! finalising, the next assessment), the drill-down and exports.

use super::app::{self, App};
use super::secretary;
use crate::store::Store;

/// Opens the assessment of the year after the latest round (the pilots'
/// first year after the selection), then shows it.
pub(super) fn open_assessment(app: &mut App, store: &mut Store, who: &str) -> Result<(), String> {
    let Some(s) = &app.secretary else {
        return Ok(());
    };
    let call = s.call.clone();
    let latest = store
        .rounds()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|r| r.call == call.info.id && r.kind == crate::domain::RoundKind::Assessment)
        .filter_map(|r| r.year)
        .max();
    let year = latest.map_or(call.info.pilot_start, |y| y + 1);
    let deadline = year
        .checked_add(1)
        .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 3, 31))
        .ok_or_else(|| format!("{year}: {}", app.lang.pick("超出范围", "out of range")))?;
    let midterm = call.management.midterm_years.contains(&year);
    let round =
        crate::panel::pilots::open_assessment(store, &call.info.id, year, midterm, deadline, who)
            .map_err(|e| e.to_string())?;
    load_secretary(app, store)?;
    let lang = app.lang;
    app.info(format!(
        "{} {}",
        lang.pick("已开启:", "Opened:"),
        round.shown(lang)
    ));
    Ok(())
}

/// Loads (or reloads) the secretary's matrix and list for the round the
/// secretary works on, with the method chosen on screen.
pub(super) fn load_secretary(app: &mut App, store: &mut Store) -> Result<(), String> {
    let Some(member) = app.member.clone() else {
        return Ok(());
    };
    let round = crate::panel::tally::default_round(store)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| app.lang.pick("没有评审轮次。", "No rounds.").to_string())?;
    let method = app
        .secretary
        .as_ref()
        .map(|s| s.method)
        .unwrap_or(crate::domain::aggregate::Method::TrimmedMean);
    // What the secretary may not read is masked in the data itself, so no
    // view can show it by mistake.
    let crate::panel::tally::Seen {
        call,
        matrix,
        lists,
        sight,
    } = crate::panel::tally::seen(store, Some(&member), &round, method)
        .map_err(|e| e.to_string())?;
    let rows = || matrix.rows.iter().map(|r| r.app.as_str());
    let masked: Vec<String> = sight.hidden_of(rows()).into_iter().collect();
    let recused: Vec<String> = rows()
        .filter(|a| sight.recused(a))
        .map(str::to_string)
        .collect();
    let deliberations = sight
        .deliberations(store, &round)
        .map_err(|e| e.to_string())?;
    let changes = store
        .recusal_fact_changes(&round)
        .map_err(|e| e.to_string())?;
    if !changes.is_empty() && app.secretary.is_none() {
        app.warn(format!(
            "{} {}{}",
            app.lang.pick(
                "注意:评分开始后回避事实有变更",
                "Note: recusal facts changed after scoring began:"
            ),
            changes.len(),
            app.lang.pick(
                " 处(详见 jury matrix 与审计链)。",
                " (see jury matrix and the audit log)."
            )
        ));
    }
    match &mut app.secretary {
        Some(s) => s.replace(matrix, lists, masked, recused),
        None => {
            app.secretary = Some(secretary::Secretary::new(
                call, matrix, lists, masked, recused,
            ))
        }
    }
    if let Some(s) = &mut app.secretary {
        s.deliberations = deliberations;
    }
    Ok(())
}

/// A secretary's write on the current round, then a reload of the screens.
pub(super) fn secretary_write(
    app: &mut App,
    store: &mut Store,
    f: impl FnOnce(&mut crate::store::Writer<'_>, &str) -> crate::store::Result<()>,
) -> Result<(), String> {
    let Some(round) = app.secretary.as_ref().map(|s| s.matrix.round.id.clone()) else {
        return Ok(());
    };
    let who = app.actor();
    store
        .write(&who, true, |w| f(w, &round))
        .map_err(|e| e.to_string())?;
    load_secretary(app, store)?;
    if let Some(r) = store.round(&round).map_err(|e| e.to_string())?
        && app.round.as_ref().is_some_and(|cur| cur.id == r.id)
    {
        app.round = Some(r);
    }
    Ok(())
}

pub(super) fn drill(app: &mut App, store: &mut Store, id: &str) -> Result<(), String> {
    let Some(s) = &mut app.secretary else {
        return Ok(());
    };
    if s.is_masked(id) {
        return Ok(());
    }
    let sight = crate::panel::sight::Sight::of(store, app.member.as_ref(), &s.matrix.round.id)
        .map_err(|e| e.to_string())?;
    let members: std::collections::BTreeMap<String, crate::domain::Member> = store
        .members()
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect();
    let reviews = store
        .reviews(&s.matrix.round.id)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|r| r.application == id && sight.may_read(id, &r.member, r.status))
        .map(|r| {
            let name = members
                .get(&r.member)
                .map(|m| m.shown(app.lang))
                .unwrap_or_else(|| r.member.clone());
            (name, r)
        })
        .collect();
    s.drill = Some(secretary::Drill {
        app: id.to_string(),
        reviews,
    });
    app.popup = Some(app::Popup::Drill);
    Ok(())
}

/// Exports the internal and the public list, each as CSV and XLSX, into
/// the current folder, each logged with its SHA-256, and says where.
pub(super) fn export(app: &mut App, store: &mut Store) -> Result<(), String> {
    use crate::panel::export::{self, Format};
    let Some(s) = &app.secretary else {
        return Ok(());
    };
    let round = s.matrix.round.id.clone();
    let who = app.actor();
    let mut written = Vec::new();
    let head = store.audit_head().map_err(|e| e.to_string())?;
    for public in [false, true] {
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = export::list_file(
                &s.call,
                &s.matrix,
                &s.lists,
                public,
                format,
                head.as_ref(),
                app.lang,
            )
            .map_err(|e| e.to_string())?;
            let kind = if public { "public" } else { "list" };
            let path = std::path::PathBuf::from(format!("jury-{round}-{kind}.{}", format.as_str()));
            export::save(store, &who, &round, format.as_str(), public, &path, &bytes)
                .map_err(|e| e.to_string())?;
            written.push(path.display().to_string());
        }
    }
    app.info(format!(
        "{} {}",
        app.lang.pick("已导出:", "Exported:"),
        written.join(", ")
    ));
    Ok(())
}

/// Marks the application discussed, or not, as it was not.
pub(super) fn toggle_discussed(app: &mut App, store: &mut Store, id: &str) -> Result<(), String> {
    let now = app
        .secretary
        .as_ref()
        .and_then(|s| s.deliberations.get(id))
        .is_some_and(|(d, _)| *d);
    secretary_write(app, store, |w, round| {
        w.set_discussed(round, id, !now).map(drop)
    })
}

/// Asks `member` to look at the application again, and says so.
pub(super) fn revisit(
    app: &mut App,
    store: &mut Store,
    id: &str,
    member: &str,
    note: &str,
) -> Result<(), String> {
    secretary_write(app, store, |w, round| {
        w.request_revisit(round, member, id, note).map(drop)
    })?;
    app.info(format!(
        "{} {member}",
        app.lang.pick("已请复核:", "Revisit asked of")
    ));
    Ok(())
}

/// Finalises the round on screen with the method chosen there, then shows
/// the list as decided.
pub(super) fn finalise(app: &mut App, store: &mut Store, who: &str) -> Result<(), String> {
    let Some((round, method)) = app
        .secretary
        .as_ref()
        .map(|s| (s.matrix.round.id.clone(), s.method))
    else {
        return Ok(());
    };
    let n = crate::panel::tally::finalise(store, &round, method, false, who, app.lang)
        .map_err(|e| e.to_string())?;
    load_secretary(app, store)?;
    app.info(format!(
        "{} {n} {}",
        app.lang.pick("已定案,写入决定", "Finalised:"),
        app.lang.pick("项。", "decisions.")
    ));
    Ok(())
}
