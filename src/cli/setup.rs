//! Setting a panel up: the interface itself, the demo, a server's roles
//! (`init`, `roles`) and synthetic data (`gen-data`).

use super::access;
use super::context::{Ctx, warn_if_exposed};
use super::output::{col, print_json, table};
use super::{Stage, report};
use crate::store::Store;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The interface on the database at `db` (signing `--as` in first).
pub fn interface(ctx: &Ctx, db: PathBuf, theme: Option<String>) -> anyhow::Result<()> {
    let lang = ctx.lang;
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
    let member = ctx.as_member.clone();
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

/// `jury demo`: the sample loaded into a fresh database (or `--db`), then
/// the interface on it; without a terminal, its status.
pub fn demo(ctx: &Ctx, theme: Option<String>, complete: bool, stage: Stage) -> anyhow::Result<()> {
    let lang = ctx.lang;
    // A fresh temporary directory, kept after the demo so that what was
    // scored can still be inspected (its path is printed on the way out).
    let path: PathBuf = match &ctx.db {
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
        Stage::Selection => crate::panel::sample::load(&mut store, &ctx.actor)?,
        Stage::Pilots => crate::panel::sample::load_history(&mut store, &ctx.actor)?,
    }
    if complete {
        let n = crate::panel::sample::complete_reviews(&mut store, &ctx.actor)?;
        eprintln!("{} {n}", lang.pick("已补全评分:", "Reviews filled in:"));
    }
    drop(store);
    let shown = crate::store::shown(&path);
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        interface(ctx, path.clone(), theme)?;
        println!(
            "{} {shown}\n  jury --db {shown} status --json\n  jury --db {shown} verify",
            lang.pick("演示数据库保留在:", "The demo database is kept at:"),
        );
        return Ok(());
    }
    let store = Store::open(&path)?;
    println!("{} {shown}\n", lang.pick("演示数据库:", "Demo database:"));
    report::print_status(&store, &access::Viewer::Operator, false, lang)
}

/// `jury init`: a server's owner and group roles (nothing to do on a file).
pub fn init(ctx: &Ctx) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    println!("{}", crate::store::shown(store.path()));
    if let Some(owner) = store.init_server()? {
        println!("{} {owner}", ctx.lang.pick("所有者角色:", "owner role:"));
    }
    Ok(())
}

/// `jury roles`: one login role per member on a server, and what changed.
pub fn roles(ctx: &Ctx, auditors: &[String], json: bool) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let mut store = ctx.open()?;
    let done = store.sync_roles(auditors)?;
    if json {
        return print_json(&serde_json::json!({ "roles": done }));
    }
    let rows: Vec<Vec<String>> = done
        .iter()
        .map(|r| {
            let change = match r.change {
                "created" => lang.pick("新建", "created"),
                "revoked" => lang.pick("已撤销", "revoked"),
                _ => lang.pick("已更新", "updated"),
            };
            let kind = match (&r.member, r.secretary) {
                (None, _) => lang.pick("审计", "auditor"),
                (Some(_), true) => lang.pick("秘书", "secretary"),
                (Some(_), false) => lang.pick("成员", "member"),
            };
            vec![
                r.member.clone().unwrap_or_default(),
                r.role.clone(),
                kind.to_string(),
                change.to_string(),
            ]
        })
        .collect();
    let cols = [
        col("成员", "member"),
        col("数据库角色", "database role"),
        col("权限组", "group"),
        col("变更", "change"),
    ];
    print!("{}", table(lang, &cols, &rows));
    Ok(())
}

/// `jury gen-data`: synthetic applications and prior decisions (on the
/// sample's call, loaded first into an empty database).
pub fn gen_data(ctx: &Ctx, applications: usize, decisions: usize, seed: u64) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (mut store, _) = ctx.secretary("gen-data")?;
    if store.calls()?.is_empty() {
        crate::panel::sample::load(&mut store, &ctx.actor)?;
    }
    let t = std::time::Instant::now();
    let (a, d) = crate::panel::gendata::generate(&mut store, applications, decisions, seed)?;
    eprintln!(
        "{a} {} {d} {} ({:.1} s)",
        lang.pick("份申报,", "applications,"),
        lang.pick("条以往决定", "prior decisions"),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
