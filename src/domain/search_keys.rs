//! What a decision is found by: its text folded for search, the pinyin of
//! its names, the fields its filters compare. Pure, so that the index the
//! store keeps and the one built in memory are the same by construction.
//!
//! A decision's keys come in two parts: those of its name (the applicant
//! and its 市州, shared by every decision on the same applicant, so a
//! query scores a name once) and those of its own text.

use super::Call;
use crate::base::fold::fold;
use crate::base::i18n::Lang;
use crate::base::pinyin;

/// The names the calls give to prefecture and flag ids: a decision's
/// search text includes them, so the stored index is rebuilt whenever a
/// call changes.
#[derive(Clone, Copy)]
pub struct Names<'a> {
    calls: &'a [Call],
}

impl<'a> Names<'a> {
    pub fn of(calls: &'a [Call]) -> Names<'a> {
        Names { calls }
    }

    /// The prefecture's name (the first call that knows it), or the id
    /// itself when none does.
    pub fn prefecture(&self, id: &str) -> String {
        self.calls
            .iter()
            .find_map(|c| c.prefecture(id).map(|p| p.name.clone()))
            .unwrap_or_else(|| id.to_string())
    }

    /// Every flag's Chinese and English names (a flag matches by either,
    /// whatever the interface language).
    pub fn flags(&self, ids: &[String]) -> Vec<String> {
        ids.iter()
            .flat_map(|f| {
                [Lang::Zh, Lang::En].map(|l| {
                    self.calls
                        .iter()
                        .find_map(|c| c.name_of(f, l))
                        .unwrap_or_else(|| f.clone())
                })
            })
            .collect()
    }
}

/// The keys of a name: the applicant, and the 市州 it belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameKeys {
    /// The applicant, folded.
    pub name: String,
    /// Every full spelling of the applicant and the 市州, each preceded by
    /// \u{1}: one `contains` tests them all.
    pub pinyin_full: String,
    /// Every initials spelling, each preceded by \u{1}: a prefix test is
    /// `contains("\u{1}" + word)`.
    pub pinyin_initials: String,
    /// Whether the applicant has an ASCII letter or digit (else an ASCII
    /// word cannot fuzzily match it).
    pub has_ascii: bool,
    /// The 市州's id and name folded, and the name's full spellings: what
    /// `city:` compares.
    pub city: Vec<String>,
}

impl NameKeys {
    pub fn of(applicant: &str, prefecture: &str, prefecture_name: &str) -> NameKeys {
        let (mut full, mut initials) = pinyin::spellings(applicant);
        let (pf, pi) = pinyin::spellings(prefecture_name);
        full.extend(pf.iter().cloned());
        initials.extend(pi);
        let mut city = vec![fold(prefecture), fold(prefecture_name)];
        city.extend(pf);
        NameKeys {
            name: fold(applicant),
            pinyin_full: full.iter().map(|s| format!("\u{1}{s}")).collect(),
            pinyin_initials: initials.iter().map(|s| format!("\u{1}{s}")).collect(),
            has_ascii: applicant.chars().any(|c| c.is_ascii_alphanumeric()),
            city,
        }
    }

    /// The city keys as one stored text (they never hold \u{1}).
    pub fn city_text(&self) -> String {
        self.city.join("\u{1}")
    }

    pub fn city_from_text(text: &str) -> Vec<String> {
        text.split('\u{1}').map(str::to_string).collect()
    }
}

/// The fields of a decision its own keys are made from.
pub struct Fields<'a> {
    pub applicant: &'a str,
    pub prefecture_name: &'a str,
    pub programme: &'a str,
    pub round: &'a str,
    pub tier: &'a str,
    pub grade: Option<&'a str>,
    pub decided_by: &'a str,
    pub flags: &'a [String],
    /// The flags' names in both languages ([`Names::flags`]).
    pub flag_names: &'a [String],
    pub rationale: &'a str,
}

/// The keys of one decision's own text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextKeys {
    /// Everything a free word or a phrase may match, folded.
    pub hay: String,
    pub tier: String,
    /// The round and the programme, folded (`round:`).
    pub round: String,
    /// The flags' ids and names, folded (`flag:`).
    pub flags: String,
}

impl TextKeys {
    pub fn of(f: &Fields<'_>) -> TextKeys {
        TextKeys {
            hay: fold(&format!(
                "{} {} {} {} {} {} {} {} {}",
                f.applicant,
                f.prefecture_name,
                f.programme,
                f.round,
                f.tier,
                f.grade.unwrap_or(""),
                f.decided_by,
                f.flag_names.join(" "),
                f.rationale
            )),
            tier: fold(f.tier),
            round: fold(&format!("{} {}", f.round, f.programme)),
            flags: fold(&format!("{} {}", f.flags.join(" "), f.flag_names.join(" "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys() {
        let k = NameKeys::of("长沙县", "changsha", "长沙市");
        assert_eq!(k.name, "长沙县");
        assert!(k.pinyin_full.contains("\u{1}zhangshaxian"));
        assert!(k.pinyin_full.contains("\u{1}changshashi"));
        assert!(k.pinyin_initials.contains("\u{1}csx"));
        assert!(!k.has_ascii);
        assert_eq!(NameKeys::city_from_text(&k.city_text()), k.city);
        let flags = vec!["border_town".to_string()];
        let names = vec!["口子镇".to_string(), "Border town".to_string()];
        let t = TextKeys::of(&Fields {
            applicant: "长沙县",
            prefecture_name: "长沙市",
            programme: "试点",
            round: "2018年度考核",
            tier: "县(县级市)",
            grade: Some("优秀"),
            decided_by: "评审组",
            flags: &flags,
            flag_names: &names,
            rationale: "ＡＢ",
        });
        assert_eq!(
            t.hay,
            "长沙县 长沙市 试点 2018年度考核 县(县级市) 优秀 评审组 口子镇 border town ab"
        );
        assert_eq!(t.flags, "border_town 口子镇 border town");
        assert_eq!(t.round, "2018年度考核 试点");
    }
}
