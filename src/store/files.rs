//! Who else on the host can read the database. SQLite gives its `-wal`
//! and `-shm` files the mode of the database file, so creating that file
//! owner-only (or group-shared, in a setgid folder, the README's set-up for
//! a panel sharing one host) protects all three; backups get the same.
//! A member who can read the file can read everything in it: this keeps
//! out the host's other users, nothing more (the server engine is the
//! answer for enforced secrecy).

use std::path::Path;

/// The mode new files get in `dir`: 0660 in a setgid folder (the panel's
/// group shares it), else 0600.
#[cfg(unix)]
fn mode_for(dir: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let setgid = std::fs::metadata(dir)
        .map(|m| m.permissions().mode() & 0o2000 != 0)
        .unwrap_or(false);
    if setgid { 0o660 } else { 0o600 }
}

fn dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Creates `path` empty with the private mode, unless it exists.
pub(crate) fn create_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode_for(dir_of(path)))
            .open(path)
        {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Creates a folder (and its parents) for backups, owner-only (or
/// group-shared in a setgid folder) where it is new.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if mode_for(dir_of(dir)) == 0o660 {
            0o2770
        } else {
            0o700
        };
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// The database's files that users other than its owner and group can
/// read, with their modes (empty on other systems).
pub fn readable_by_others(db: &Path) -> Vec<(std::path::PathBuf, u32)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        ["", "-wal", "-shm"]
            .iter()
            .map(|suffix| std::path::PathBuf::from(format!("{}{suffix}", db.display())))
            .filter_map(|p| {
                let mode = std::fs::metadata(&p).ok()?.permissions().mode() & 0o777;
                (mode & 0o004 != 0).then_some((p, mode))
            })
            .collect()
    }
    #[cfg(not(unix))]
    {
        let _ = db;
        Vec::new()
    }
}
