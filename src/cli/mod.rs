//! The command line: every command takes `--db PATH`; data commands take
//! `--json` for stable machine-readable output.
//!
//! Each command is one function that reads as: parse (clap, in `args`),
//! ask the context for the store and the reader (`context::Ctx`), call one
//! service of `panel`, render (`output`). The services are the interface's
//! too, so the two faces cannot disagree about what a member may see.
//!
//! | file | commands |
//! |---|---|
//! | `setup.rs` | the interface, `demo`, `init`, `roles`, `gen-data`, `passphrase` |
//! | `report.rs` | `status`, `members`, `eligibility`, `search` |
//! | `secretary.rs` | `matrix`, `propose` |
//! | `round.rs` | `advance`, `override`, `discuss`, `revisit`, `finalise`, `reopen-round`, `assess` |
//! | `export_cmd.rs` | `export` |
//! | `import_cmd.rs` | `import` |
//! | `timeline.rs` | `timeline` |
//! | `safekeeping.rs` | `backup`, `copy`, `restore`, `verify` |

mod access;
mod args;
mod context;
mod export_cmd;
mod import_cmd;
mod output;
mod passphrase;
mod report;
mod round;
mod safekeeping;
mod secretary;
mod setup;
mod timeline;

use crate::base::i18n::Lang;
pub use args::{Cli, Command, Stage};
use clap::Parser;
pub use context::default_db_path;
use context::{Ctx, keep_open};
use std::process::ExitCode;

/// `--lang` as given on the command line, read before clap parses it (for
/// the value parsers' messages); None when absent or not a language.
fn lang_in_args() -> Option<Lang> {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut found = None;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.strip_prefix("--lang") {
            Some("") => args.get(i + 1).map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        match value {
            Some("zh") => found = Some(Lang::Zh),
            Some("en") => found = Some(Lang::En),
            _ => {}
        }
    }
    found
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    crate::base::i18n::set_process_lang(lang_in_args().unwrap_or_else(Lang::from_env));
    let cli = Cli::parse();
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    // The store's refusals are composed below the faces: in this language.
    crate::base::i18n::set_process_lang(lang);
    match run(cli, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {e:#}", lang.pick("错误", "error"));
            ExitCode::FAILURE
        }
    }
}

fn run(mut cli: Cli, lang: Lang) -> anyhow::Result<ExitCode> {
    cli.as_member = access::server_member(&cli, lang)?;
    let ctx = Ctx::new(cli.db, cli.as_member, lang);
    let Some(command) = cli.command else {
        setup::interface(&ctx, ctx.db_path()?, cli.theme)?;
        return Ok(ExitCode::SUCCESS);
    };
    use Command as C;
    let done = match command {
        C::Demo { complete, stage } => setup::demo(&ctx, cli.theme, complete, stage),
        C::Init => setup::init(&ctx),
        C::Roles { auditor, json } => setup::roles(&ctx, &auditor, json),
        C::GenData {
            applications,
            decisions,
            seed,
        } => setup::gen_data(&ctx, applications, decisions, seed),
        C::Passphrase {
            clear,
            issue,
            member,
        } => passphrase::run(&ctx, clear, issue, member),
        C::Import {
            paths,
            dry_run,
            json,
        } => return import_cmd::run(&ctx, &paths, dry_run, json),
        C::Members { json } => report::members(&ctx, json),
        C::Status { json } => report::status(&ctx, json),
        C::Eligibility { tier, json } => report::eligibility(&ctx, tier.as_deref(), json),
        C::Search { query, limit, json } => report::search(&ctx, &query.join(" "), limit, json),
        C::Timeline { application, json } => timeline::run(&ctx, &application, json),
        C::Matrix {
            round,
            method,
            json,
        } => secretary::matrix(&ctx, round, method, json),
        C::Propose {
            round,
            method,
            json,
        } => secretary::propose(&ctx, round, method, json),
        C::Export {
            out,
            format,
            public,
            round,
            method,
            score_sheet,
            member,
        } => {
            let what = match (score_sheet, member) {
                (true, Some(member)) => export_cmd::What::ScoreSheet { member },
                _ => export_cmd::What::List { method },
            };
            export_cmd::run(&ctx, &out, format, round, public, what)
        }
        C::Advance { round } => round::advance(&ctx, round),
        C::Override {
            application,
            outcome,
            reason,
            clear,
            round,
        } => {
            let what = outcome
                .filter(|_| !clear)
                .map(|o| (o, reason.unwrap_or_default()));
            round::set_override(&ctx, round, &application, what)
        }
        C::Finalise {
            round,
            method,
            allow_missing,
        } => round::finalise(&ctx, round, method, allow_missing),
        C::Discuss {
            application,
            note,
            undo,
            round,
        } => round::discuss(&ctx, round, &application, note, undo),
        C::Revisit {
            application,
            member,
            note,
            round,
        } => round::revisit(&ctx, round, &application, &member, &note),
        C::ReopenRound { round } => round::reopen(&ctx, round),
        C::Assess {
            year,
            midterm,
            deadline,
            call,
        } => round::assess(&ctx, call, year, midterm, deadline),
        C::Backup { path } => safekeeping::backup(&ctx, &path),
        C::Copy { from, to } => safekeeping::copy(&ctx, &from, &to),
        C::Restore { path } => safekeeping::restore(&ctx, &path),
        C::Verify {
            json,
            record,
            anchor,
        } => return safekeeping::verify(&ctx, json, record, &anchor),
    };
    done.map(|()| ExitCode::SUCCESS)
}
