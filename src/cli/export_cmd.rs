//! `jury export`: the list (internal or public) or one member's score
//! sheet, written atomically and logged with its SHA-256 and the audit
//! chain's head.

use super::context::Ctx;
use crate::domain::aggregate::Method;
use crate::panel::export::{self, Format};
use std::path::Path;

/// What is exported.
pub enum What {
    List { method: Method },
    ScoreSheet { member: String },
}

pub fn run(
    ctx: &Ctx,
    out: &Path,
    format: Option<Format>,
    round: Option<String>,
    public: bool,
    what: What,
) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (mut store, viewer) = ctx.reader()?;
    // A member may take out their own score sheet; the rest is the secretary's.
    let own_sheet = matches!(&what, What::ScoreSheet { member }
        if viewer.member().is_some_and(|m| m.id == *member));
    if !own_sheet {
        super::access::require_secretary(&viewer, "export", lang)?;
    }
    let format = format.or_else(|| Format::from_path(out)).ok_or_else(|| {
        anyhow::anyhow!(
            "--format: {}",
            lang.pick(
                "请指明格式(csv、xlsx、json、md),或让 --out 以其中之一结尾",
                "give one (csv, xlsx, json, md), or an --out ending in one"
            )
        )
    })?;
    let round = crate::panel::tally::round_or_default(&store, round)?;
    // Every export carries the chain's head as it was: kept with the
    // paper, it shows any later rewrite (`jury verify --anchor`).
    let head = store.audit_head()?;
    let (bytes, kind) = match &what {
        What::ScoreSheet { member } => {
            let m = store.member(member)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "--member: {} {member:?}",
                    lang.pick("没有此成员", "no member")
                )
            })?;
            let r = store.round(&round)?.ok_or_else(|| {
                anyhow::anyhow!("--round: {} {round:?}", lang.pick("没有此轮次", "no round"))
            })?;
            let bytes = export::score_sheet_file(
                &store,
                viewer.member(),
                &r,
                &m,
                format,
                head.as_ref(),
                lang,
            )?;
            (bytes, format!("score_sheet.{}", format.as_str()))
        }
        What::List { method } => {
            let seen = crate::panel::tally::seen(&store, viewer.member(), &round, *method)?;
            let bytes = export::list_file(
                &seen.call,
                &seen.matrix,
                &seen.lists,
                public,
                format,
                head.as_ref(),
                lang,
            )?;
            (bytes, format.as_str().to_string())
        }
    };
    let sha = export::save(&mut store, &ctx.actor, &round, &kind, public, out, &bytes)?;
    println!("{}  sha256 {sha}", out.display());
    if let Some(h) = &head {
        println!(
            "{} {}",
            lang.pick("审计链头:", "audit chain head:"),
            export::head_text(h)
        );
    }
    Ok(())
}
