//! Signing a member in: the session (on a server, the database role's own
//! member only), comments a killed session left, the queue of the round
//! the member works on, and a passphrase set at first sign-in.

use super::app::{App, Popup, Screen};
use super::{data, queue};
use crate::store::Store;

/// Checks the passphrase typed in the picker; an initial one (issued by
/// the secretary) must be replaced before anything else.
pub(super) fn sign_in_with_passphrase(
    app: &mut App,
    store: &mut Store,
    member: String,
    passphrase: &str,
) -> Result<(), String> {
    match crate::panel::auth::check(store, &member, passphrase, app.lang) {
        Ok(crate::panel::auth::SignIn::Own) => {
            sign_in(app, store, &member).map_err(|e| e.to_string())
        }
        Ok(crate::panel::auth::SignIn::Initial) => {
            // Nothing else until the member has their own.
            app.popup = Some(Popup::NewPassphrase {
                member,
                first: None,
                typed: String::new(),
            });
            app.info(app.lang.pick(
                "这是初始口令:请设置您自己的口令(至少 8 个字符,输入两次)。",
                "That is an initial passphrase: set your own (8 characters or more, typed twice).",
            ));
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Sets the member's own passphrase, then signs them in.
pub(super) fn set_own_passphrase(
    app: &mut App,
    store: &mut Store,
    member: &str,
    phrase: &str,
) -> Result<(), String> {
    crate::panel::auth::set_own(store, member, phrase, app.lang)
        .map_err(|e| e.to_string())
        .and_then(|()| sign_in(app, store, member).map_err(|e| e.to_string()))
}

pub(super) fn sign_in(app: &mut App, store: &mut Store, id: &str) -> anyhow::Result<()> {
    // On a server the session's own role is the member: the picker cannot
    // make it anyone else (the policies would refuse their writes anyway).
    if let crate::store::Session::Member(me) = store.session()?
        && me != id
    {
        anyhow::bail!(crate::base::i18n::say(
            format!("在服务器上您的身份为 {me},不能以 {id} 登录"),
            format!("on the server you are {me}, and may not sign in as {id}"),
        ));
    }
    let member = store
        .member(id)?
        .ok_or_else(|| anyhow::anyhow!("no member {id:?}"))?;
    // Comments a killed session was typing are committed first.
    let (recovery, _) = store.write(&member.id, true, |w| w.recover_edit_buffers(&member.id))?;
    app.member = Some(member.clone());
    app.round = data::current_round(store, &member.id)?;
    app.screen = Screen::Queue;
    app.secretary = None;
    let lang = app.lang;
    match app.round.clone() {
        Some(round) => {
            let call = data::call_of(store, &round)?;
            let rows = data::queue_rows(store, &call, &round, &member, lang)?;
            let (tiers, prefs) = data::choices(&call, lang);
            app.queue = queue::Queue::new(rows, tiers, prefs);
        }
        None => app.queue = queue::Queue::new(Vec::new(), Vec::new(), Vec::new()),
    }
    if app.round.is_none() && member.has_role(crate::domain::Role::Secretary) {
        // A secretary with nothing to review starts on the panel matrix.
        if let Err(e) = super::secretary_effects::load_secretary(app, store) {
            app.error(e);
        } else {
            app.screen = Screen::Matrix;
        }
    }
    if recovery.committed > 0 {
        app.info(format!(
            "{} {} {}",
            lang.pick("已恢复上次未保存完的评语", "Recovered"),
            recovery.committed,
            lang.pick("条。", "comment(s) from the last session.")
        ));
    }
    let mut waiting = Vec::new();
    if !recovery.pending.is_empty() {
        waiting.push(format!(
            "{}{}",
            lang.pick(
                "上次未保存的评语所属评分已提交,评语已保留,撤回重评后在该项按 Enter 即可继续:",
                "Comments from the last session are kept until their review is reopened (then Enter on the row): "
            ),
            recovery.pending.join(lang.pick("、", ", "))
        ));
    }
    if !recovery.frozen.is_empty() {
        // No reopen can help here: say what can.
        waiting.push(format!(
            "{}{}",
            lang.pick(
                "上次未保存的评语已保留,但其评分您已不能自行修改(只读);秘书请您复核后即可继续:",
                "Comments from the last session are kept, but you can no longer change their review yourself (read-only); they can be finished once the secretary asks you to revisit: "
            ),
            recovery.frozen.join(lang.pick("、", ", "))
        ));
    }
    if !waiting.is_empty() {
        app.warn(waiting.join(lang.pick(" ", " ")));
    }
    Ok(())
}
