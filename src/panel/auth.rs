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
        .map_err(|e| {
            anyhow::anyhow!(crate::base::i18n::say(
                format!("计算口令散列时出错:{e}"),
                format!("hashing the passphrase: {e}"),
            ))
        })
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
        anyhow::anyhow!(crate::base::i18n::say(
            format!("{prompt}:没有可供输入的终端({e});脚本请设置 {PASSPHRASE_ENV}"),
            format!("{prompt}: no terminal to ask on ({e}); set {PASSPHRASE_ENV} for scripts"),
        ))
    })
}

/// For scripts changing a passphrase: the new one (the current one comes
/// from `JURY_PASSPHRASE`).
pub const NEW_PASSPHRASE_ENV: &str = "JURY_NEW_PASSPHRASE";

/// Reads a new passphrase: from `JURY_NEW_PASSPHRASE`, else typed twice.
/// Refuses one shorter than [`MIN_CHARS`].
pub fn read_new(lang: crate::base::i18n::Lang) -> anyhow::Result<String> {
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
        anyhow::anyhow!(crate::base::i18n::say(
            format!("{prompt}:没有可供输入的终端({e});脚本请设置 {NEW_PASSPHRASE_ENV}"),
            format!("{prompt}: no terminal to ask on ({e}); set {NEW_PASSPHRASE_ENV} for scripts"),
        ))
    })
}

/// What a passphrase given at sign-in proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    /// The member's own passphrase.
    Own,
    /// An initial passphrase the secretary issued: the member must set
    /// their own before doing anything else.
    Initial,
}

/// Checks `given` against `member`'s passphrase on a locked panel. A
/// member with none issued gets the same refusal as a wrong phrase, so
/// that nobody learns who has one (finding H4).
pub fn check(
    store: &crate::store::Store,
    member: &str,
    given: &str,
    lang: crate::base::i18n::Lang,
) -> anyhow::Result<SignIn> {
    match store.passphrase(member)? {
        Some((phc, initial)) if verify(&phc, given) => Ok(if initial {
            SignIn::Initial
        } else {
            SignIn::Own
        }),
        _ => anyhow::bail!(
            "{member}: {}",
            lang.pick(
                "口令不正确,或尚未向该成员发放口令(请向秘书领取初始口令);未读取或更改任何内容。",
                "wrong passphrase, or none issued to this member yet (ask the secretary for an initial one); nothing was read or changed."
            )
        ),
    }
}

/// Sets `member`'s own passphrase (they are the actor: audited as theirs),
/// refusing the initial one they were issued.
pub fn set_own(
    store: &mut crate::store::Store,
    member: &str,
    phrase: &str,
    lang: crate::base::i18n::Lang,
) -> anyhow::Result<()> {
    if let Some((phc, true)) = store.passphrase(member)?
        && verify(&phc, phrase)
    {
        anyhow::bail!(
            "{}",
            lang.pick(
                "新口令不能与初始口令相同;未更改。",
                "the new passphrase must differ from the initial one; nothing changed."
            )
        );
    }
    let phc = hash(phrase)?;
    store.write(member, true, |w| {
        w.set_passphrase(member, Some(&phc), false)
    })?;
    Ok(())
}

/// A one-time initial passphrase for the secretary to hand over: 16
/// characters from an alphabet without look-alikes (no 0/O, 1/l/I), in
/// groups of four, about 80 bits from the OS's generator.
pub fn initial_phrase() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
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

    #[test]
    fn initial_phrases_are_long_unambiguous_and_fresh() {
        let a = initial_phrase();
        assert_eq!(a.len(), 19, "{a}");
        assert!(
            a.chars()
                .all(|c| c == '-' || "abcdefghijkmnpqrstuvwxyz23456789".contains(c))
        );
        assert!(a.chars().count() - 3 >= MIN_CHARS);
        assert_ne!(a, initial_phrase());
    }
}
