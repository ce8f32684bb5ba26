//! Who is asking, at the command line. `--as MEMBER` names a panel member
//! (their passphrase is asked for when they have set one); without it the
//! operator of the database file acts, which a panel refuses once any member
//! has set a passphrase. What each may read follows the same rules as the
//! interface: `domain::panel::may_read_review` and the secretary's masks.

use crate::auth::SignIn;
use crate::domain::{Member, Role};
use crate::i18n::Lang;
use crate::store::Store;

#[derive(Debug, Clone)]
pub enum Viewer {
    /// No `--as`: whoever administers the file (only while no member has a
    /// passphrase).
    Operator,
    Member(Member),
}

impl Viewer {
    pub fn member(&self) -> Option<&Member> {
        match self {
            Viewer::Operator => None,
            Viewer::Member(m) => Some(m),
        }
    }
}

/// Resolves `--as` for any command but `passphrase`: refused while the
/// member still holds an initial passphrase.
pub fn viewer(store: &Store, as_member: &Option<String>, lang: Lang) -> anyhow::Result<Viewer> {
    let (viewer, sign_in) = sign_in(store, as_member, lang)?;
    if sign_in == Some(SignIn::Initial) {
        let id = viewer.member().map(|m| m.id.as_str()).unwrap_or("");
        anyhow::bail!(
            "--as {id}: {} jury --as {id} passphrase",
            lang.pick(
                "这是秘书发放的初始口令,请先设置您自己的口令:",
                "that is the initial passphrase the secretary issued: set your own first with"
            )
        );
    }
    Ok(viewer)
}

/// Resolves `--as`. On a locked panel (any member has a passphrase) every
/// member signs in with theirs, asked for whether or not they have one, so
/// that the prompt tells nobody who does; without `--as` nobody acts.
pub fn sign_in(
    store: &Store,
    as_member: &Option<String>,
    lang: Lang,
) -> anyhow::Result<(Viewer, Option<SignIn>)> {
    let locked = !store.locked_members()?.is_empty();
    match as_member {
        Some(id) => {
            let member = store.member(id)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "--as: {} {id:?} ({} jury members)",
                    lang.pick("没有此成员", "no member"),
                    lang.pick("见", "see")
                )
            })?;
            if !locked {
                return Ok((Viewer::Member(member), None));
            }
            let prompt = format!("{} {id}: ", lang.pick("口令", "Passphrase for"));
            let given = crate::auth::read(&prompt)?;
            let how = crate::auth::check(store, id, &given, lang)
                .map_err(|e| anyhow::anyhow!("--as {e}"))?;
            Ok((Viewer::Member(member), Some(how)))
        }
        None => {
            if locked {
                anyhow::bail!(
                    "{}",
                    lang.pick(
                        "本评审组已设置口令:请用 --as 成员编号 指明身份。",
                        "this panel uses passphrases: say who you are with --as MEMBER."
                    )
                );
            }
            Ok((Viewer::Operator, None))
        }
    }
}

/// The secretary's commands: the operator (of an unlocked panel) or a
/// member with the secretary role.
pub fn require_secretary(viewer: &Viewer, what: &str, lang: Lang) -> anyhow::Result<()> {
    match viewer {
        Viewer::Member(m) if !m.has_role(Role::Secretary) => anyhow::bail!(
            "{what}: {} {} {}",
            lang.pick("仅秘书可用;", "only a secretary may do this;"),
            m.id,
            lang.pick("不是秘书。", "is not one.")
        ),
        _ => Ok(()),
    }
}
