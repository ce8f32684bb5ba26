//! Who is asking, at the command line. `--as MEMBER` names a panel member
//! (their passphrase is asked for when they have set one); without it the
//! operator of the database file acts, which a panel refuses once any member
//! has set a passphrase. What each may read follows the same rules as the
//! interface: `domain::panel::may_read_review` and the secretary's masks.

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

/// Resolves `--as`, asking for the member's passphrase when they have one.
pub fn viewer(store: &Store, as_member: &Option<String>, lang: Lang) -> anyhow::Result<Viewer> {
    match as_member {
        Some(id) => {
            let member = store
                .member(id)?
                .ok_or_else(|| anyhow::anyhow!("--as: no member {id:?} (see jury members)"))?;
            if let Some(phc) = store.passphrase_hash(id)? {
                let prompt = format!("{} {id}: ", lang.pick("口令", "Passphrase for"));
                let given = crate::auth::read(&prompt)?;
                if !crate::auth::verify(&phc, &given) {
                    anyhow::bail!(
                        "--as {id}: {}",
                        lang.pick(
                            "口令不正确;未读取或更改任何内容。",
                            "wrong passphrase; nothing was read or changed."
                        )
                    );
                }
            }
            Ok(Viewer::Member(member))
        }
        None => {
            if !store.locked_members()?.is_empty() {
                anyhow::bail!(
                    "{}",
                    lang.pick(
                        "本评审组已设置口令:请用 --as 成员编号 指明身份。",
                        "this panel uses passphrases: say who you are with --as MEMBER."
                    )
                );
            }
            Ok(Viewer::Operator)
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
