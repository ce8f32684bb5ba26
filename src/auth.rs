//! Optional per-member passphrases for panels on a shared host: Argon2id
//! hashes in PHC form (salt and parameters inside), checked in constant time
//! by the `argon2` crate. The store keeps the hash; nothing keeps the phrase.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Read by scripts and tests instead of a prompt. It is visible to other
/// users of the host through the process environment, so people type.
pub const PASSPHRASE_ENV: &str = "JURY_PASSPHRASE";

/// The shortest passphrase accepted when one is set.
pub const MIN_CHARS: usize = 8;

/// Hashes a passphrase with a fresh random salt.
pub fn hash(passphrase: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the passphrase: {e}"))
}

/// Whether `passphrase` matches a stored hash. A malformed hash matches nothing.
pub fn verify(phc: &str, passphrase: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(passphrase.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Reads a passphrase: from `JURY_PASSPHRASE` when set, else from the
/// terminal without echo.
pub fn read(prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(p);
    }
    rpassword::prompt_password(prompt).map_err(|e| {
        anyhow::anyhow!("{prompt}: no terminal to ask on ({e}); set {PASSPHRASE_ENV} for scripts")
    })
}

/// For scripts changing a passphrase: the new one (the current one comes
/// from `JURY_PASSPHRASE`).
pub const NEW_PASSPHRASE_ENV: &str = "JURY_NEW_PASSPHRASE";

/// Reads a new passphrase: from `JURY_NEW_PASSPHRASE`, else typed twice.
/// Refuses one shorter than [`MIN_CHARS`].
pub fn read_new(lang: crate::i18n::Lang) -> anyhow::Result<String> {
    let phrase = match std::env::var(NEW_PASSPHRASE_ENV) {
        Ok(p) => p,
        Err(_) => {
            let first = read_prompt(lang.pick("新口令: ", "New passphrase: "))?;
            let again = read_prompt(lang.pick("再输入一次: ", "Again: "))?;
            if first != again {
                anyhow::bail!(
                    "{}",
                    lang.pick(
                        "两次输入不一致;未更改。",
                        "the two entries differ; nothing changed."
                    )
                );
            }
            first
        }
    };
    if phrase.chars().count() < MIN_CHARS {
        anyhow::bail!(
            "{} {MIN_CHARS} {}",
            lang.pick("口令至少", "a passphrase needs at least"),
            lang.pick("个字符;未更改。", "characters; nothing changed.")
        );
    }
    Ok(phrase)
}

fn read_prompt(prompt: &str) -> anyhow::Result<String> {
    rpassword::prompt_password(prompt).map_err(|e| {
        anyhow::anyhow!(
            "{prompt}: no terminal to ask on ({e}); set {NEW_PASSPHRASE_ENV} for scripts"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_passphrase_and_nothing_else() {
        let h = hash("湘江北去 2017").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&h, "湘江北去 2017"));
        assert!(!verify(&h, "湘江北去 2018"));
        assert!(!verify("not a hash", "湘江北去 2017"));
        // Salted: the same phrase hashes differently each time.
        assert_ne!(h, hash("湘江北去 2017").unwrap());
    }
}
