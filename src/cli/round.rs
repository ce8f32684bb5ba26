//! The secretary's commands that move a round: advancing its state,
//! overriding a line, marking discussion, asking a reviewer to revisit,
//! finalising and reopening, and opening an annual assessment.

use super::context::Ctx;
use crate::domain::aggregate::Method;
use crate::domain::{Outcome, RoundState};

/// `jury advance`: the round's next state.
pub fn advance(ctx: &Ctx, round: Option<String>) -> anyhow::Result<()> {
    let (mut store, _, round) = ctx.secretary_round("advance", round)?;
    let (state, _) = store.write(&ctx.actor, true, |w| w.advance_round(&round))?;
    println!("{round}: {}", state.label(ctx.lang));
    Ok(())
}

/// `jury override`: one line's outcome set with a written reason, or
/// (`None`) the override cleared.
pub fn set_override(
    ctx: &Ctx,
    round: Option<String>,
    application: &str,
    what: Option<(Outcome, String)>,
) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (mut store, _, round) = ctx.secretary_round("override", round)?;
    let clear = what.is_none();
    store.write(&ctx.actor, true, |w| {
        w.set_override(
            &round,
            application,
            what.as_ref().map(|(o, r)| (*o, r.as_str())),
        )
    })?;
    let done = if clear {
        lang.pick("已取消调整", "override cleared")
    } else {
        lang.pick("已调整", "overridden")
    };
    println!("{round} {application}: {done}");
    Ok(())
}

/// `jury finalise`: the list as it stands becomes the round's decisions.
pub fn finalise(
    ctx: &Ctx,
    round: Option<String>,
    method: Method,
    allow_missing: bool,
) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (mut store, _, round) = ctx.secretary_round("finalise", round)?;
    let n =
        crate::panel::tally::finalise(&mut store, &round, method, allow_missing, &ctx.actor, lang)?;
    println!(
        "{round}: {} ({n} {})",
        RoundState::Finalised.label(lang),
        lang.pick("项决定", "decisions")
    );
    Ok(())
}

/// `jury discuss`: an application marked discussed (with a note), or not.
pub fn discuss(
    ctx: &Ctx,
    round: Option<String>,
    application: &str,
    note: Option<String>,
    undo: bool,
) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (mut store, _, round) = ctx.secretary_round("discuss", round)?;
    store.write(&ctx.actor, true, |w| {
        w.set_discussed(&round, application, !undo)?;
        if let Some(n) = &note {
            w.set_discussion_note(&round, application, n)?;
        }
        Ok(())
    })?;
    let done = if undo {
        lang.pick("未讨论", "not discussed")
    } else {
        lang.pick("已讨论", "discussed")
    };
    println!("{round} {application}: {done}");
    Ok(())
}

/// `jury revisit`: a reviewer asked to look at an application again.
pub fn revisit(
    ctx: &Ctx,
    round: Option<String>,
    application: &str,
    member: &str,
    note: &str,
) -> anyhow::Result<()> {
    let (mut store, _, round) = ctx.secretary_round("revisit", round)?;
    store.write(&ctx.actor, true, |w| {
        w.request_revisit(&round, member, application, note)
    })?;
    println!(
        "{round} {application}: {} {member}",
        ctx.lang.pick("已请复核:", "revisit asked of")
    );
    Ok(())
}

/// `jury reopen-round`: a finalised round back in deliberation, its
/// decisions withdrawn.
pub fn reopen(ctx: &Ctx, round: Option<String>) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (mut store, _, round) = ctx.secretary_round("reopen-round", round)?;
    let (n, _) = store.write(&ctx.actor, true, |w| w.reopen_round(&round))?;
    println!(
        "{round}: {} ({n} {})",
        RoundState::Deliberation.label(lang),
        lang.pick("项决定已撤回", "decisions withdrawn")
    );
    Ok(())
}

/// `jury assess`: the annual assessment round of a year, assigned to the
/// panel.
pub fn assess(
    ctx: &Ctx,
    call: Option<String>,
    year: i32,
    midterm: bool,
    deadline: Option<chrono::NaiveDate>,
) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (mut store, _) = ctx.secretary("assess")?;
    let call = crate::panel::pilots::call_or_only(&store, call)?;
    let deadline = deadline
        .or_else(|| crate::panel::pilots::default_deadline(year))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--year: {year} {}",
                lang.pick("超出范围", "is out of range")
            )
        })?;
    let round = crate::panel::pilots::open_assessment(
        &mut store, &call, year, midterm, deadline, &ctx.actor,
    )?;
    let assigned = store.assignments(&round.id)?;
    let pilots: std::collections::BTreeSet<&str> =
        assigned.iter().map(|a| a.application.as_str()).collect();
    println!(
        "{}: {} ({} {}, {} {})",
        round.id,
        round.shown(lang),
        pilots.len(),
        lang.pick("个试点", "pilots"),
        assigned.len(),
        lang.pick("项评审任务", "assignments")
    );
    Ok(())
}
