//! `jury passphrase`: locking a panel on a shared host. The first
//! passphrase of a panel is a secretary's own; from then on every member
//! needs one to act, and the secretary issues each an initial phrase
//! (shown once) that they replace at their first sign-in. Clearing or
//! reissuing another member's needs the secretary's own phrase (asked by
//! `--as`), and every change is audited.

use super::access::{self, Viewer};
use super::context::Ctx;
use crate::panel::auth::SignIn;

pub fn run(ctx: &Ctx, clear: bool, issue: bool, member: Option<String>) -> anyhow::Result<()> {
    let (lang, as_member, actor) = (ctx.lang, &ctx.as_member, ctx.actor.as_str());
    let mut store = ctx.open()?;
    let store = &mut store;
    if let crate::store::Session::Member(me) = store.session()? {
        // The server authenticated this session: a passphrase would add
        // nothing, and members may not write the table that holds them.
        anyhow::bail!(
            "passphrase: {} {me}{}",
            lang.pick(
                "在服务器上,成员以本人的数据库角色登录(由服务器验证身份),不使用口令;您已登录为",
                "on a server members sign in as their own database role (the server authenticates them) and use no passphrase; you are signed in as"
            ),
            lang.pick("。", ".")
        );
    }
    let (viewer, signed_in) = access::sign_in(store, as_member, lang)?;
    let Viewer::Member(me) = &viewer else {
        anyhow::bail!(
            "passphrase: {}",
            lang.pick(
                "请用 --as 成员编号 指明是谁的口令",
                "say whose with --as MEMBER"
            )
        );
    };
    let locked = !store.locked_members()?.is_empty();
    let target = member.clone().unwrap_or_else(|| me.id.clone());
    if signed_in == Some(SignIn::Initial) && (target != me.id || clear || issue) {
        anyhow::bail!(
            "passphrase: {}",
            lang.pick(
                "请先设置您自己的口令(替换初始口令)。",
                "set your own passphrase first (it replaces the initial one)."
            )
        );
    }
    if target != me.id {
        access::require_secretary(&viewer, "passphrase --member", lang)?;
        if store.member(&target)?.is_none() {
            anyhow::bail!(
                "--member: {} {target:?}",
                lang.pick("没有此成员", "no member")
            );
        }
        if !locked {
            // Issuing would lock the panel against its own secretary.
            anyhow::bail!(
                "passphrase --member: {}",
                lang.pick(
                    "请先为自己设置口令(评审组由此上锁),再为其他成员发放初始口令。",
                    "set your own passphrase first (that locks the panel), then issue initial ones to the others."
                )
            );
        }
        if clear {
            store.write(actor, true, |w| w.set_passphrase(&target, None, false))?;
            println!(
                "{target}: {}",
                lang.pick(
                    "口令已清除;该成员在领取新的初始口令前不能登录。",
                    "passphrase cleared; they cannot sign in until you issue them a new initial one."
                )
            );
            return Ok(());
        }
        if !issue {
            anyhow::bail!(
                "passphrase --member: {}",
                lang.pick(
                    "秘书可为其他成员 --issue(发放初始口令)或 --clear(清除);口令由本人设置。",
                    "a secretary may --issue an initial passphrase to another member or --clear theirs; members set their own."
                )
            );
        }
        let phrase = crate::panel::auth::initial_phrase();
        let phc = crate::panel::auth::hash(&phrase)?;
        store.write(actor, true, |w| w.set_passphrase(&target, Some(&phc), true))?;
        println!(
            "{target}: {} {phrase}\n{}",
            lang.pick("初始口令:", "initial passphrase:"),
            lang.pick(
                "只显示这一次;请当面或密封交给本人,其首次登录时须改为自己的口令。",
                "shown this once: hand it over in person or sealed; they must replace it at their first sign-in."
            )
        );
        return Ok(());
    }
    if issue {
        anyhow::bail!(
            "passphrase --issue: {}",
            lang.pick(
                "初始口令发给其他成员(--member)。",
                "initial passphrases are for other members (--member)."
            )
        );
    }
    if clear {
        let others = store.locked_members()?.into_iter().any(|m| m != me.id);
        if others {
            // The lock holds while anyone has a phrase: clearing one's own
            // would shut oneself out of one's own panel.
            anyhow::bail!(
                "passphrase --clear: {}",
                lang.pick(
                    "其他成员仍有口令,评审组仍上锁;不能清除您自己的口令(先清除其他成员的)。",
                    "other members still have passphrases, so the panel stays locked: clear theirs first."
                )
            );
        }
        store.write(actor, true, |w| w.set_passphrase(&me.id, None, false))?;
        println!(
            "{}: {}",
            me.id,
            lang.pick(
                "口令已清除,评审组已解锁",
                "passphrase cleared; the panel is unlocked"
            )
        );
        return Ok(());
    }
    if !locked && !me.has_role(crate::domain::Role::Secretary) {
        // A reviewer's lock would shut the secretary out, with nobody left
        // to issue the others theirs.
        anyhow::bail!(
            "passphrase: {}",
            lang.pick(
                "评审组的第一个口令须由秘书设置,再由秘书为其他成员发放初始口令。",
                "a panel's first passphrase is a secretary's, who then issues initial ones to the others."
            )
        );
    }
    let phrase = crate::panel::auth::read_new(lang)?;
    crate::panel::auth::set_own(store, &me.id, &phrase, lang)?;
    println!("{}: {}", me.id, lang.pick("口令已设置", "passphrase set"));
    Ok(())
}
