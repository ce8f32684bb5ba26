//! What every command starts from: the database named by `--db` (or the
//! default), who is acting (`--as`), and the language. Each command asks
//! its context for the store and the reader it needs, so that opening the
//! store, checking the member and picking the round read the same in every
//! command.

use super::access::{self, Viewer};
use crate::base::i18n::{Lang, say};
use crate::store::Store;
use std::path::{Path, PathBuf};

pub struct Ctx {
    pub db: Option<PathBuf>,
    /// The member acting (`--as`, or the server session's own).
    pub as_member: Option<String>,
    /// Who the audit log names: the member, else `cli:USER`.
    pub actor: String,
    pub lang: Lang,
}

thread_local! {
    /// A server connection opened before the command ran (to learn whose
    /// session it is), which the command's `open` takes over: over a
    /// network each connection is a TCP and TLS handshake and a schema
    /// check.
    static OPENED: std::cell::RefCell<Option<Store>> = const { std::cell::RefCell::new(None) };
}

pub(super) fn keep_open(store: Store) {
    OPENED.with(|o| *o.borrow_mut() = Some(store));
}

impl Ctx {
    pub fn new(db: Option<PathBuf>, as_member: Option<String>, lang: Lang) -> Ctx {
        let actor = actor(&as_member);
        Ctx {
            db,
            as_member,
            actor,
            lang,
        }
    }

    /// The database's path or server URL: `--db`, else the default.
    pub fn db_path(&self) -> anyhow::Result<PathBuf> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => default_db_path(),
        }
    }

    /// The store of `--db`.
    pub fn open(&self) -> anyhow::Result<Store> {
        self.open_at(&self.db_path()?)
    }

    /// The store at `path` (the connection opened to learn the session, if
    /// it is that one), with a warning when other users can read it.
    pub fn open_at(&self, path: &Path) -> anyhow::Result<Store> {
        if let Some(store) = OPENED.with(|o| o.borrow_mut().take())
            && store.path() == path
        {
            return Ok(store);
        }
        let store = Store::open(path)?;
        warn_if_exposed(path, self.lang);
        Ok(store)
    }

    /// Who reads: the member of `--as` (signed in) or the operator.
    pub fn viewer(&self, store: &Store) -> anyhow::Result<Viewer> {
        access::viewer(store, &self.as_member, self.lang)
    }

    /// The store and who reads it.
    pub fn reader(&self) -> anyhow::Result<(Store, Viewer)> {
        let store = self.open()?;
        let viewer = self.viewer(&store)?;
        Ok((store, viewer))
    }

    /// The reader of a secretary's command (`what`), refused for anyone
    /// else.
    pub fn secretary_of(&self, store: &Store, what: &str) -> anyhow::Result<Viewer> {
        let viewer = self.viewer(store)?;
        access::require_secretary(&viewer, what, self.lang)?;
        Ok(viewer)
    }

    /// The store of a secretary's command.
    pub fn secretary(&self, what: &str) -> anyhow::Result<(Store, Viewer)> {
        let store = self.open()?;
        let viewer = self.secretary_of(&store, what)?;
        Ok((store, viewer))
    }

    /// A secretary's command on one round: the round given, else the one
    /// the secretary works on.
    pub fn secretary_round(
        &self,
        what: &str,
        round: Option<String>,
    ) -> anyhow::Result<(Store, Viewer, String)> {
        let (store, viewer) = self.secretary(what)?;
        let round = crate::panel::tally::round_or_default(&store, round)?;
        Ok((store, viewer, round))
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

/// Says so on stderr when other users of the host can read the database:
/// whoever can read the file reads every score in it (see the README's
/// "On a shared host").
pub fn warn_if_exposed(db: &Path, lang: Lang) {
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
