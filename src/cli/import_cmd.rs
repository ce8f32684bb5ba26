//! `jury import`: progress on a terminal, silence otherwise, a summary of
//! what changed, and a non-zero exit with located errors on bad input.

use super::context::Ctx;
use crate::panel::import::{self, Failure, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, paths: &[PathBuf], dry_run: bool, json: bool) -> anyhow::Result<ExitCode> {
    let lang = ctx.lang;
    let actor = ctx.actor.as_str();
    let (mut store, viewer) = ctx.reader()?;
    // A member who is not a secretary imports only their own score sheets.
    let only_member = viewer
        .member()
        .filter(|m| !m.has_role(crate::domain::Role::Secretary))
        .map(|m| m.id.as_str());
    let files = match import::collect(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}: {e}", lang.pick("导入失败", "import failed"));
            return Ok(ExitCode::FAILURE);
        }
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>8} [{bar:30}] {pos}/{len}")
            .expect("static template")
            .progress_chars("=> "),
    );
    let mut on_progress = |p: Progress| match p {
        Progress::Parsed { done, total } => {
            bar.set_message(lang.pick("读取", "reading").to_string());
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        Progress::Applied { done, total } => {
            bar.set_message(lang.pick("写入", "writing").to_string());
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let result = import::run_restricted(
        &mut store,
        &files,
        actor,
        dry_run,
        only_member,
        &mut on_progress,
    );
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            if json {
                let out = serde_json::json!({
                    "dry_run": report.dry_run,
                    "files": report.files,
                    "records": report.records,
                    "changed": report.changes.changed(),
                    "changes": report.changes.kinds,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                let head = match (report.dry_run, report.changes.changed()) {
                    (true, _) => lang.pick(
                        "试运行,未写入任何内容。将会:",
                        "Dry run, nothing written. Would:",
                    ),
                    (false, true) => lang.pick("导入完成:", "Imported:"),
                    (false, false) => lang.pick(
                        "没有变化:数据库已是最新。",
                        "No changes: the database is already up to date.",
                    ),
                };
                println!(
                    "{head} {} {}, {} {}",
                    report.files,
                    lang.pick("个文件", "files"),
                    report.records,
                    lang.pick("条记录", "records")
                );
                let rows: Vec<Vec<String>> = report
                    .changes
                    .kinds
                    .iter()
                    .map(|(kind, c)| {
                        vec![
                            kind.clone(),
                            c.inserted.to_string(),
                            c.updated.to_string(),
                            c.unchanged.to_string(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    crate::base::text::table(
                        &[
                            lang.pick("类别", "kind"),
                            lang.pick("新增", "added"),
                            lang.pick("更新", "updated"),
                            lang.pick("未变", "unchanged"),
                        ],
                        &rows,
                        &[1, 2, 3],
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Failure::Invalid(errors)) => {
            eprintln!(
                "{} ({} {}):",
                lang.pick(
                    "导入失败,数据库未作任何修改",
                    "import failed; the database is unchanged"
                ),
                errors.len(),
                lang.pick("处错误", "errors")
            );
            for e in errors.iter().take(50) {
                eprintln!("  {e}");
            }
            if errors.len() > 50 {
                eprintln!("  … {}", errors.len() - 50);
            }
            Ok(ExitCode::FAILURE)
        }
        Err(Failure::Store(e)) => {
            eprintln!(
                "{}:\n  {e}",
                lang.pick(
                    "导入失败,数据库未作任何修改",
                    "import failed; the database is unchanged"
                )
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
