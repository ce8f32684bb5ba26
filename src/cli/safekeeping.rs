//! Keeping a panel's data safe: `backup`, `copy` (between engines),
//! `restore`, and `verify` against the audit chain.

use super::context::Ctx;
use super::output::print_json;
use crate::panel::integrity::{self, Checked, Detail};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

/// `jury backup PATH`: a consistent copy of the database as a file.
pub fn backup(ctx: &Ctx, path: &Path) -> anyhow::Result<()> {
    let (store, _) = ctx.secretary("backup")?;
    store.backup_to(path)?;
    println!("{}", path.display());
    Ok(())
}

/// `jury copy FROM TO`: every row into another database (either engine),
/// which must then pass verify.
pub fn copy(ctx: &Ctx, from: &Path, to: &Path) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let source = ctx.open_at(from)?;
    ctx.secretary_of(&source, "copy")?;
    let mut target = ctx.open_at(to)?;
    let copied = source.copy_into(&mut target)?;
    let report = target.verify()?;
    for (table, n) in &copied {
        println!("{table:<20} {n:>8}");
    }
    if !report.ok() {
        anyhow::bail!(
            "{}: {}",
            crate::store::shown(to),
            lang.pick(
                "复制后的校验未通过(jury verify 查看详情)",
                "the copy fails verify (see jury verify)"
            )
        );
    }
    println!(
        "{} {} → {}",
        lang.pick("已复制,校验通过:", "Copied and verified:"),
        crate::store::shown(from),
        crate::store::shown(to)
    );
    Ok(())
}

/// `jury restore PATH`: a backup put back in place of `--db` (the file it
/// replaces is kept beside it).
pub fn restore(ctx: &Ctx, path: &Path) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let db = ctx.db_path()?;
    if db.exists() {
        ctx.secretary("restore")?;
    }
    let saved = crate::store::Store::restore(&db, path)?;
    println!(
        "{} {}  ({} {})",
        lang.pick("已恢复:", "Restored:"),
        db.display(),
        lang.pick("原文件备份于", "the previous file is kept at"),
        saved.display()
    );
    Ok(())
}

/// `jury verify`: the database against its audit chain (and `anchors`),
/// failing the process when anything is wrong.
pub fn verify(
    ctx: &Ctx,
    as_json: bool,
    record: bool,
    anchors: &[String],
) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open()?;
    // An auditor without a seat on a locked panel may still check the
    // file: counts only, no row named.
    let locked = !store.locked_members()?.is_empty();
    let detail = if locked && ctx.as_member.is_none() && !record {
        Detail::Counts
    } else {
        let viewer = ctx.secretary_of(&store, "verify")?;
        Detail::for_viewer(&store, viewer.member())?
    };
    if record {
        store.write(&ctx.actor, true, |w| w.record_anchor())?;
    }
    let checked = integrity::check(&store, anchors, &detail)?;
    let ok = render(&checked, &detail, as_json, ctx.lang)?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn render(
    checked: &Checked,
    detail: &Detail,
    as_json: bool,
    lang: crate::base::i18n::Lang,
) -> anyhow::Result<bool> {
    let Checked {
        report,
        problems,
        counts,
        anchors_ok,
    } = &checked;
    let ok = checked.ok();
    let head = report.head.as_ref();
    if as_json {
        print_json(&json!({
            "ok": ok,
            "integrity": report.integrity,
            "audit_entries": report.audit_entries,
            "rows_checked": report.rows_checked,
            "head": head.map(|(seq, hash)| json!({"entry": seq, "hash": hash})),
            "anchors_checked": report.anchors_checked + anchors_ok,
            "problem_counts": counts,
            "problems": problems,
        }))?;
        return Ok(ok);
    }
    println!(
        "{}: {}  {}: {}  {}: {}",
        lang.pick("完整性检查", "integrity"),
        report.integrity,
        lang.pick("审计链条目", "audit entries"),
        report.audit_entries,
        lang.pick("已核对记录", "rows checked"),
        report.rows_checked
    );
    if let Some((seq, hash)) = head {
        println!(
            "{} #{seq} {hash}",
            lang.pick("审计链头:", "audit chain head:")
        );
    }
    let checked = report.anchors_checked + anchors_ok;
    if checked > 0 {
        println!(
            "{} {checked}",
            lang.pick("已核对的链头记录:", "recorded heads found intact:")
        );
    }
    if ok {
        println!(
            "{}",
            lang.pick(
                "通过:审计链完整,所有记录与日志一致。",
                "OK: the audit chain is intact and every row matches the log."
            )
        );
        return Ok(ok);
    }
    println!(
        "{} {}:",
        lang.pick("未通过,发现问题", "FAILED, problems found:"),
        report.problems.len()
    );
    if let Detail::Counts = detail {
        for (kind, n) in counts {
            println!("  [{kind}] {n}");
        }
        println!(
            "{}",
            lang.pick(
                "(本评审组已设置口令:详情须由秘书以 --as 查看。)",
                "(this panel uses passphrases: a secretary sees the details with --as.)"
            )
        );
        return Ok(ok);
    }
    for p in problems {
        let values = match (&p.logged, &p.found) {
            (Some(l), Some(f)) => format!(
                ": {} {l}, {} {f}",
                lang.pick("日志为", "logged"),
                lang.pick("现为", "found")
            ),
            _ => String::new(),
        };
        println!(
            "  [{}] {}{}",
            p.kind,
            crate::base::text::sanitize(&p.detail),
            crate::base::text::sanitize(&values)
        );
    }
    Ok(ok)
}
