//! Who is asking, at the command line. `--as MEMBER` names a panel member
//! (their passphrase is asked for when they have set one); without it the
//! operator of the database file acts, which a panel refuses once any member
//! has set a passphrase. What each may read follows the same rules as the
//! interface: `domain::panel::may_read_review` and the secretary's masks.

use crate::base::i18n::Lang;
use crate::domain::{Member, Role};
use crate::panel::auth::SignIn;
use crate::store::{Session, Store};

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

/// On a PostgreSQL server the acting member is the session's own database
/// role: `--as` is filled in from it, and may not name anyone else. The
/// administrator's session (a superuser, or the panel's owner role) keeps
/// `--as` as given, and a role that is neither is refused before any
/// command runs (except `init`, which makes the roles). Elsewhere `--as`
/// stays as given.
pub fn server_member(cli: &super::Cli, lang: Lang) -> anyhow::Result<Option<String>> {
    let Some(db) = cli.db.as_deref().filter(|d| crate::store::is_server_url(d)) else {
        return Ok(cli.as_member.clone());
    };
    if matches!(cli.command, Some(super::Command::Init)) {
        return Ok(cli.as_member.clone());
    }
    let store = Store::open(db)?;
    let session = store.session()?;
    // The command goes on with this connection (one handshake, not two).
    super::keep_open(store);
    match session {
        // An auditor reads what the operator does and may write nothing.
        Session::Operator | Session::Auditor(_) => Ok(cli.as_member.clone()),
        Session::Member(me) => match &cli.as_member {
            Some(other) if *other != me => anyhow::bail!(
                "--as {other}: {} {me}{}",
                lang.pick(
                    "在服务器上,您以本人的数据库角色登录,身份为",
                    "on the server you are signed in as your own database role, which is member"
                ),
                lang.pick(
                    ",不能以他人身份操作。",
                    ", and may not act as anyone else."
                )
            ),
            _ => Ok(Some(me)),
        },
        Session::Stranger(role) => anyhow::bail!(
            "{} {role} {}",
            lang.pick("数据库角色", "database role"),
            lang.pick(
                "不是本评审组的成员:管理员用 jury --db URL roles 为成员建立角色。",
                "is not a member of this panel: the administrator gives members their roles with jury --db URL roles."
            )
        ),
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
    if let (Session::Member(me), Some(id)) = (store.session()?, as_member)
        && me == *id
    {
        // Signed in by the server (peer or password authentication).
        let member = store
            .member(id)?
            .ok_or_else(|| anyhow::anyhow!("--as: {id:?}"))?;
        return Ok((Viewer::Member(member), None));
    }
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
            let given = crate::panel::auth::read(&prompt)?;
            let how = crate::panel::auth::check(store, id, &given, lang)
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
