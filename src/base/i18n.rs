//! Interface language. Data (applicant names, work plans) is shown as written;
//! labels exist in Chinese and English and are picked by [`Lang`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language from the locale variables, Chinese unless they name another.
    /// The users read Chinese first, so an unset or `C` locale still gives Chinese.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var) {
                if value.is_empty() {
                    continue;
                }
                return Lang::from_locale(&value);
            }
        }
        Lang::Zh
    }

    pub fn from_locale(locale: &str) -> Lang {
        let lower = locale.to_ascii_lowercase();
        if lower.starts_with("zh") || lower == "c" || lower == "posix" || lower.starts_with("c.") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// Picks the label for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The language of this process's messages (its `--lang`, or the locale),
/// for the layers below the faces that compose messages without being told
/// the interface language (the store's refusals). One process, one
/// language: the faces set it once at start; a library user who never sets
/// it gets English.
static PROCESS_LANG: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);

/// Sets the language of this process's messages (see [`say`]).
pub fn set_process_lang(lang: Lang) {
    let v = match lang {
        Lang::Zh => 0,
        Lang::En => 1,
    };
    PROCESS_LANG.store(v, std::sync::atomic::Ordering::Relaxed);
}

/// The language of this process's messages.
pub fn process_lang() -> Lang {
    match PROCESS_LANG.load(std::sync::atomic::Ordering::Relaxed) {
        0 => Lang::Zh,
        _ => Lang::En,
    }
}

/// A message in the process's language, given in both.
pub fn say(zh: impl Into<String>, en: impl Into<String>) -> String {
    match process_lang() {
        Lang::Zh => zh.into(),
        Lang::En => en.into(),
    }
}

/// A name with its English form; the English falls back to the Chinese.
pub fn name_in<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.is_empty() => en,
        _ => zh,
    }
}

/// An amount in 亿元 (10⁸ yuan, the unit of investment plans), as each
/// language says it: "69.70 亿元", and in English in millions, "6,970
/// million yuan" (1 亿 = 100 million; "bn" would be 10⁹, ten times too much).
pub fn yi_yuan(lang: Lang, amount: f64) -> String {
    match lang {
        Lang::Zh => format!("{amount:.2} 亿元"),
        Lang::En => {
            let millions = amount * 100.0;
            // Plans are given to 0.01 亿 (one million): whole millions then.
            let text = if (millions - millions.round()).abs() < 1e-6 {
                format!("{:.0}", millions.round())
            } else {
                format!("{millions:.1}")
            };
            let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
            let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            let frac = if frac.is_empty() {
                String::new()
            } else {
                format!(".{frac}")
            };
            format!("{sign}{grouped}{frac} million yuan")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_yi_yuan_read_right_in_english() {
        // F8: 69.70 亿元 is 6.97 billion yuan, not "69.70 bn".
        assert_eq!(yi_yuan(Lang::Zh, 69.7), "69.70 亿元");
        assert_eq!(yi_yuan(Lang::En, 69.7), "6,970 million yuan");
        assert_eq!(yi_yuan(Lang::En, 0.96), "96 million yuan");
        assert_eq!(yi_yuan(Lang::En, 1234.5678), "123,456.8 million yuan");
        assert_eq!(yi_yuan(Lang::En, 0.0), "0 million yuan");
    }

    #[test]
    fn locale_picks_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("de_DE"), Lang::En);
    }

    #[test]
    fn english_name_falls_back_to_chinese() {
        assert_eq!(name_in(Lang::En, "长沙", ""), "长沙");
        assert_eq!(name_in(Lang::En, "长沙", "Changsha"), "Changsha");
        assert_eq!(name_in(Lang::Zh, "长沙", "Changsha"), "长沙");
    }
}
