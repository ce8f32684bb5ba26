//! The command line: every command takes `--db PATH`; data commands take
//! `--json` for stable machine-readable output.

mod access;
mod args;
mod import_cmd;
mod passphrase;
mod report;
mod secretary;
mod timeline;

use crate::base::i18n::{Lang, say};
use crate::store::Store;
pub use args::{Cli, Command, Stage};
use clap::Parser;
use std::path::{Path, PathBuf};
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

/// The database used when no `--db` is given.
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "jury").ok_or_else(|| {
        anyhow::anyhow!(say(
            "找不到用户主目录:请用 --db PATH 指定数据库",
            "no home directory: pass --db PATH",
        ))
    })?;
    Ok(dirs.data_dir().join("jury.db"))
}

thread_local! {
    /// A server connection opened before the command ran (to learn whose
    /// session it is), which the command's `open` takes over: over a
    /// network each connection is a TCP and TLS handshake and a schema
    /// check.
    static OPENED: std::cell::RefCell<Option<Store>> = const { std::cell::RefCell::new(None) };
}

fn keep_open(store: Store) {
    OPENED.with(|o| *o.borrow_mut() = Some(store));
}

fn open(db: &Option<PathBuf>, lang: Lang) -> anyhow::Result<Store> {
    let path = match db {
        Some(p) => p.clone(),
        None => default_db_path()?,
    };
    if let Some(store) = OPENED.with(|o| o.borrow_mut().take())
        && store.path() == path
    {
        return Ok(store);
    }
    let store = Store::open(&path)?;
    warn_if_exposed(&path, lang);
    Ok(store)
}

/// Says so on stderr when other users of the host can read the database:
/// whoever can read the file reads every score in it (see the README's
/// "On a shared host").
fn warn_if_exposed(db: &Path, lang: Lang) {
    for (file, mode) in crate::store::files::readable_by_others(db) {
        eprintln!(
            "{} {} ({:o}): {}  chmod o-rwx {}",
            lang.pick("警告:", "warning:"),
            file.display(),
            mode,
            lang.pick(
                "本机其他用户可读此文件,即可读到全部评分。请收紧权限:",
                "other users of this host can read this file, and with it every score. Restrict it:"
            ),
            file.display()
        );
    }
}

/// Who is acting, for the audit log: the member given with `--as`, else the
/// operating-system user at the command line.
fn actor(cli_as: &Option<String>) -> String {
    match cli_as {
        Some(m) => m.clone(),
        None => {
            let user = std::env::var("USER")
                .or_else(|_| std::env::var("USERNAME"))
                .unwrap_or_else(|_| "unknown".into());
            format!("cli:{user}")
        }
    }
}

fn run(mut cli: Cli, lang: Lang) -> anyhow::Result<ExitCode> {
    cli.as_member = access::server_member(&cli, lang)?;
    let actor = actor(&cli.as_member);
    let Some(command) = cli.command else {
        let db = match &cli.db {
            Some(p) => p.clone(),
            None => default_db_path()?,
        };
        tui(db, cli.as_member, lang, cli.theme)?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Demo { complete, stage } => demo(
            &cli.db,
            &cli.as_member,
            cli.theme,
            complete,
            stage,
            &actor,
            lang,
        ),
        Command::Assess {
            year,
            midterm,
            deadline,
            call,
        } => {
            let mut store = open(&cli.db, lang)?;
            secretary_viewer(&store, &cli.as_member, "assess", lang)?;
            let call = match call {
                Some(c) => c,
                None => match store.calls()?.as_slice() {
                    [only] => only.info.id.clone(),
                    [] => anyhow::bail!(
                        "{}",
                        lang.pick("没有通知:请先导入", "no call: import one first")
                    ),
                    _ => anyhow::bail!(
                        "--call: {}",
                        lang.pick(
                            "此数据库有多个通知,请指明是哪一个",
                            "this database holds several calls; say which"
                        )
                    ),
                },
            };
            let deadline = deadline
                .or_else(|| chrono::NaiveDate::from_ymd_opt(year.checked_add(1)?, 3, 31))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--year: {year} {}",
                        lang.pick("超出范围", "is out of range")
                    )
                })?;
            let round = crate::panel::pilots::open_assessment(
                &mut store, &call, year, midterm, deadline, &actor,
            )?;
            let assigned = store.assignments(&round.id)?;
            let pilots: std::collections::BTreeSet<&str> =
                assigned.iter().map(|a| a.application.as_str()).collect();
            println!(
                "{}: {} ({} {}, {} {})",
                round.id,
                crate::base::text::sanitize(crate::base::i18n::name_in(
                    lang,
                    &round.name,
                    &round.name_en
                )),
                pilots.len(),
                lang.pick("个试点", "pilots"),
                assigned.len(),
                lang.pick("项评审任务", "assignments")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Passphrase {
            clear,
            issue,
            member,
        } => {
            let mut store = open(&cli.db, lang)?;
            let req = passphrase::Request {
                clear,
                issue,
                member,
            };
            passphrase::run(&mut store, &cli.as_member, &actor, req, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init => {
            let mut store = open(&cli.db, lang)?;
            println!("{}", crate::store::shown(store.path()));
            if let Some(owner) = store.init_server()? {
                println!("{} {owner}", lang.pick("所有者角色:", "owner role:"));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Roles { auditor, json } => {
            let mut store = open(&cli.db, lang)?;
            let done = store.sync_roles(&auditor)?;
            report::roles(&done, json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            paths,
            dry_run,
            json,
        } => {
            let mut store = open(&cli.db, lang)?;
            let viewer = access::viewer(&store, &cli.as_member, lang)?;
            let only = viewer
                .member()
                .filter(|m| !m.has_role(crate::domain::Role::Secretary))
                .map(|m| m.id.clone());
            import_cmd::run(
                &mut store,
                &paths,
                &actor,
                only.as_deref(),
                dry_run,
                json,
                lang,
            )
        }
        Command::Members { json } => {
            let store = open(&cli.db, lang)?;
            // Conflict reasons are personal: a locked panel answers members.
            access::viewer(&store, &cli.as_member, lang)?;
            report::members(&store, json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Status { json } => {
            let store = open(&cli.db, lang)?;
            let viewer = access::viewer(&store, &cli.as_member, lang)?;
            report::status(&store, &viewer, json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eligibility { tier, json } => {
            let store = open(&cli.db, lang)?;
            access::viewer(&store, &cli.as_member, lang)?;
            report::eligibility(&store, tier.as_deref(), json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Matrix {
            round,
            method,
            json,
        } => {
            let store = open(&cli.db, lang)?;
            let viewer = secretary_viewer(&store, &cli.as_member, "matrix", lang)?;
            secretary::matrix(&store, &viewer, round, method, json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Propose {
            round,
            method,
            json,
        } => {
            let store = open(&cli.db, lang)?;
            let viewer = secretary_viewer(&store, &cli.as_member, "propose", lang)?;
            secretary::propose(&store, &viewer, round, method, json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            out,
            format,
            public,
            round,
            method,
            score_sheet,
            member,
        } => {
            let mut store = open(&cli.db, lang)?;
            let viewer = access::viewer(&store, &cli.as_member, lang)?;
            // A member may take out their own score sheet; the rest is the secretary's.
            let own_sheet = score_sheet
                && viewer
                    .member()
                    .is_some_and(|m| Some(&m.id) == member.as_ref());
            if !own_sheet {
                access::require_secretary(&viewer, "export", lang)?;
            }
            let format = match format {
                Some(f) => f,
                None => match out
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("csv") => crate::panel::export::Format::Csv,
                    Some("xlsx") => crate::panel::export::Format::Xlsx,
                    Some("json") => crate::panel::export::Format::Json,
                    Some("md") => crate::panel::export::Format::Md,
                    _ => anyhow::bail!(
                        "--format: {}",
                        lang.pick(
                            "请指明格式(csv、xlsx、json、md),或让 --out 以其中之一结尾",
                            "give one (csv, xlsx, json, md), or an --out ending in one"
                        )
                    ),
                },
            };
            let round = secretary::round_or_default(&store, round)?;
            // Every export carries the chain's head as it was: kept with the
            // paper, it shows any later rewrite (`jury verify --anchor`).
            let head = store.audit_head()?;
            let bytes = if score_sheet {
                let id = member.expect("clap requires --member");
                let m = store.member(&id)?.ok_or_else(|| {
                    anyhow::anyhow!("--member: {} {id:?}", lang.pick("没有此成员", "no member"))
                })?;
                let r = store.round(&round)?.ok_or_else(|| {
                    anyhow::anyhow!("--round: {} {round:?}", lang.pick("没有此轮次", "no round"))
                })?;
                let sight = crate::panel::sight::Sight::of(&store, viewer.member(), &r.id)?;
                let mut rows = crate::panel::export::score_sheet(&store, &r, &m, &sight, lang)?;
                if let Some(h) = &head {
                    let width = rows.first().map_or(2, Vec::len);
                    rows.push(crate::panel::export::head_row(
                        &crate::panel::export::head_text(h),
                        width,
                    ));
                }
                match format {
                    crate::panel::export::Format::Csv => crate::panel::export::rows_csv(&rows),
                    crate::panel::export::Format::Xlsx => {
                        crate::panel::export::rows_xlsx(&rows, &m.id)?
                    }
                    _ => anyhow::bail!(
                        "{}",
                        lang.pick(
                            "评分表只能导出为 csv 或 xlsx",
                            "a score sheet is csv or xlsx"
                        )
                    ),
                }
            } else {
                let (call, mut m) = crate::panel::tally::matrix(&store, &round, method)?;
                let mut lists = crate::panel::tally::settle(&store, &call, &m)?;
                secretary::mask_for(&store, &viewer, &mut m, &mut lists)?;
                let mut doc = crate::panel::export::document(&call, &m, &lists, public, lang);
                doc.audit_head = head.as_ref().map(crate::panel::export::head_text);
                crate::panel::export::render(&doc, format, lang)?
            };
            crate::base::files::write_atomically(&out, &bytes)?;
            use sha2::Digest;
            let sha = hex::encode(sha2::Sha256::digest(&bytes));
            let kind = if score_sheet {
                format!("score_sheet.{}", format.as_str())
            } else {
                format.as_str().to_string()
            };
            store.write(&actor, true, |w| {
                w.record_export(&round, &kind, public, &out.display().to_string(), &sha)
            })?;
            println!("{}  sha256 {sha}", out.display());
            if let Some(h) = &head {
                println!(
                    "{} {}",
                    lang.pick("审计链头:", "audit chain head:"),
                    crate::panel::export::head_text(h)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Advance { round } => {
            let (mut store, round) =
                secretary_round(&cli.db, &cli.as_member, "advance", round, lang)?;
            let (state, _) = store.write(&actor, true, |w| w.advance_round(&round))?;
            println!("{round}: {}", state.label(lang));
            Ok(ExitCode::SUCCESS)
        }
        Command::Override {
            application,
            outcome,
            reason,
            clear,
            round,
        } => {
            let (mut store, round) =
                secretary_round(&cli.db, &cli.as_member, "override", round, lang)?;
            let what = if clear {
                None
            } else {
                Some((
                    outcome.expect("clap requires it"),
                    reason.as_deref().unwrap_or(""),
                ))
            };
            store.write(&actor, true, |w| w.set_override(&round, &application, what))?;
            println!(
                "{round} {application}: {}",
                if clear {
                    lang.pick("已取消调整", "override cleared")
                } else {
                    lang.pick("已调整", "overridden")
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Finalise {
            round,
            method,
            allow_missing,
        } => {
            let (mut store, round) =
                secretary_round(&cli.db, &cli.as_member, "finalise", round, lang)?;
            secretary::finalise(&mut store, &round, method, allow_missing, &actor, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Discuss {
            application,
            note,
            undo,
            round,
        } => {
            let (mut store, round) =
                secretary_round(&cli.db, &cli.as_member, "discuss", round, lang)?;
            store.write(&actor, true, |w| {
                w.set_discussed(&round, &application, !undo)?;
                if let Some(n) = &note {
                    w.set_discussion_note(&round, &application, n)?;
                }
                Ok(())
            })?;
            println!(
                "{round} {application}: {}",
                if undo {
                    lang.pick("未讨论", "not discussed")
                } else {
                    lang.pick("已讨论", "discussed")
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Revisit {
            application,
            member,
            note,
            round,
        } => {
            let (mut store, round) =
                secretary_round(&cli.db, &cli.as_member, "revisit", round, lang)?;
            store.write(&actor, true, |w| {
                w.request_revisit(&round, &member, &application, &note)
            })?;
            println!(
                "{round} {application}: {} {member}",
                lang.pick("已请复核:", "revisit asked of")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::ReopenRound { round } => {
            let (mut store, round) =
                secretary_round(&cli.db, &cli.as_member, "reopen-round", round, lang)?;
            let (n, _) = store.write(&actor, true, |w| w.reopen_round(&round))?;
            println!(
                "{round}: {} ({n} {})",
                crate::domain::RoundState::Deliberation.label(lang),
                lang.pick("项决定已撤回", "decisions withdrawn")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Timeline { application, json } => {
            let store = open(&cli.db, lang)?;
            let viewer = access::viewer(&store, &cli.as_member, lang)?;
            timeline::run(&store, &viewer, &application, json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { query, limit, json } => {
            let store = open(&cli.db, lang)?;
            let viewer = access::viewer(&store, &cli.as_member, lang)?
                .member()
                .cloned();
            let q = crate::panel::search::query::parse(&query)
                .map_err(|e| anyhow::anyhow!("{}{e}", lang.pick("查询:", "query: ")))?;
            let index = crate::panel::search::load(&store, viewer.as_ref())?;
            report::search(&index.search(&q, limit), json, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::GenData {
            applications,
            decisions,
            seed,
        } => {
            let mut store = open(&cli.db, lang)?;
            secretary_viewer(&store, &cli.as_member, "gen-data", lang)?;
            if store.calls()?.is_empty() {
                crate::panel::sample::load(&mut store, &actor)?;
            }
            let t = std::time::Instant::now();
            let (a, d) =
                crate::panel::gendata::generate(&mut store, applications, decisions, seed)?;
            eprintln!(
                "{a} {} {d} {} ({:.1} s)",
                lang.pick("份申报,", "applications,"),
                lang.pick("条以往决定", "prior decisions"),
                t.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { path } => {
            let store = open(&cli.db, lang)?;
            secretary_viewer(&store, &cli.as_member, "backup", lang)?;
            store.backup_to(&path)?;
            println!("{}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Copy { from, to } => {
            let source = open(&Some(from.clone()), lang)?;
            secretary_viewer(&source, &cli.as_member, "copy", lang)?;
            let mut target = open(&Some(to.clone()), lang)?;
            let copied = source.copy_into(&mut target)?;
            let report = target.verify()?;
            for (table, n) in &copied {
                println!("{table:<20} {n:>8}");
            }
            if !report.ok() {
                anyhow::bail!(
                    "{}: {}",
                    crate::store::shown(&to),
                    lang.pick(
                        "复制后的校验未通过(jury verify 查看详情)",
                        "the copy fails verify (see jury verify)"
                    )
                );
            }
            println!(
                "{} {} → {}",
                lang.pick("已复制,校验通过:", "Copied and verified:"),
                crate::store::shown(&from),
                crate::store::shown(&to)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { path } => {
            let db = match &cli.db {
                Some(p) => p.clone(),
                None => default_db_path()?,
            };
            if db.exists() {
                let store = open(&cli.db, lang)?;
                secretary_viewer(&store, &cli.as_member, "restore", lang)?;
            }
            let saved = Store::restore(&db, &path)?;
            println!(
                "{} {}  ({} {})",
                lang.pick("已恢复:", "Restored:"),
                db.display(),
                lang.pick("原文件备份于", "the previous file is kept at"),
                saved.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify {
            json,
            record,
            anchor,
        } => {
            let mut store = open(&cli.db, lang)?;
            // An auditor without a seat on a locked panel may still check
            // the file: counts only, no row named.
            let locked = !store.locked_members()?.is_empty();
            let detail = if locked && cli.as_member.is_none() && !record {
                report::Detail::Counts
            } else {
                let viewer = secretary_viewer(&store, &cli.as_member, "verify", lang)?;
                match viewer.member() {
                    None => report::Detail::Full,
                    Some(m) => {
                        // Applications hidden from them in any round
                        // (recused, or reviewing blind): no values shown.
                        let mut hidden = std::collections::BTreeSet::new();
                        for round in store.rounds()? {
                            let sight = crate::panel::sight::Sight::of(&store, Some(m), &round.id)?;
                            let apps = store.applications(&round.call)?;
                            hidden.extend(sight.hidden_of(apps.iter().map(|a| a.id.as_str())));
                        }
                        report::Detail::Masked(hidden)
                    }
                }
            };
            if record {
                store.write(&actor, true, |w| w.record_anchor())?;
            }
            let ok = report::verify(&store, json, &detail, &anchor, lang)?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// A secretary's command on one round: the store (checked: the viewer is a
/// secretary, or the operator of an unlocked panel) and the round given,
/// else the one the secretary works on.
fn secretary_round(
    db: &Option<PathBuf>,
    as_member: &Option<String>,
    what: &str,
    round: Option<String>,
    lang: Lang,
) -> anyhow::Result<(Store, String)> {
    let store = open(db, lang)?;
    secretary_viewer(&store, as_member, what, lang)?;
    let round = secretary::round_or_default(&store, round)?;
    Ok((store, round))
}

/// The viewer of a secretary's command, refused for anyone else.
fn secretary_viewer(
    store: &Store,
    as_member: &Option<String>,
    what: &str,
    lang: Lang,
) -> anyhow::Result<access::Viewer> {
    let viewer = access::viewer(store, as_member, lang)?;
    access::require_secretary(&viewer, what, lang)?;
    Ok(viewer)
}

fn tui(
    db: PathBuf,
    member: Option<String>,
    lang: Lang,
    theme: Option<String>,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "{}",
            lang.pick(
                "界面需要在终端中运行;脚本请使用子命令(jury --help)。",
                "the interface needs a terminal; scripts use the subcommands (jury --help)."
            )
        );
    }
    warn_if_exposed(&db, lang);
    if let Some(id) = &member {
        // Asked on the terminal before the interface takes it over; an
        // initial passphrase is replaced there and then.
        let mut store = Store::open(&db)?;
        let (_, how) = access::sign_in(&store, &member, lang)?;
        if how == Some(crate::panel::auth::SignIn::Initial) {
            eprintln!(
                "{}",
                lang.pick(
                    "这是秘书发放的初始口令:请设置您自己的口令。",
                    "That is the initial passphrase the secretary issued: set your own."
                )
            );
            let phrase = crate::panel::auth::read_new(lang)?;
            crate::panel::auth::set_own(&mut store, id, &phrase, lang)?;
        }
    }
    crate::tui::run(crate::tui::Options {
        db,
        member,
        lang,
        theme,
    })
}

fn demo(
    db: &Option<PathBuf>,
    member: &Option<String>,
    theme: Option<String>,
    complete: bool,
    stage: Stage,
    actor: &str,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    // A fresh temporary directory, kept after the demo so that what was
    // scored can still be inspected (its path is printed on the way out).
    let path: PathBuf = match db {
        Some(p) => p.clone(),
        None => tempfile::Builder::new()
            .prefix("jury-demo-")
            .tempdir()?
            .keep()
            .join("demo.db"),
    };
    let mut store = Store::open(&path)?;
    if !store.locked_members()?.is_empty() {
        // The demo writes as nobody in particular: not into a locked panel.
        anyhow::bail!(
            "{}",
            lang.pick(
                "该数据库已设置口令,不能载入演示数据;演示请用新的数据库。",
                "this database's panel uses passphrases: the demo runs on a fresh database."
            )
        );
    }
    match stage {
        Stage::Selection => crate::panel::sample::load(&mut store, actor)?,
        Stage::Pilots => crate::panel::sample::load_history(&mut store, actor)?,
    }
    if complete {
        let n = crate::panel::sample::complete_reviews(&mut store, actor)?;
        eprintln!("{} {n}", lang.pick("已补全评分:", "Reviews filled in:"));
    }
    drop(store);
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        tui(path.clone(), member.clone(), lang, theme)?;
        println!(
            "{} {}\n  jury --db {} status --json\n  jury --db {} verify",
            lang.pick("演示数据库保留在:", "The demo database is kept at:"),
            display_path(&path),
            display_path(&path),
            display_path(&path),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(&path)?;
    println!(
        "{} {}\n",
        lang.pick("演示数据库:", "Demo database:"),
        display_path(&path)
    );
    report::status(&store, &access::Viewer::Operator, false, lang)?;
    Ok(ExitCode::SUCCESS)
}

fn display_path(p: &Path) -> String {
    crate::store::shown(p)
}
