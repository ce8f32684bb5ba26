//! What a round decides for one application: in a selection, selected,
//! reserve or not; in an annual assessment, continued, warned, exited or
//! promoted from the reserves. Its own file: the list (`selection`) and
//! the decisions (`decision`) both name it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Selected,
    Reserve,
    NotSelected,
    /// An assessed pilot goes on (合格 or better).
    Continued,
    /// An assessed pilot failed: warned, with a deadline to rectify.
    Warned,
    /// A pilot leaves the programme (two failing years, a failed mid-term).
    Exited,
    /// A reserve takes a place a pilot's exit freed.
    Promoted,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Selected => "selected",
            Outcome::Reserve => "reserve",
            Outcome::NotSelected => "not_selected",
            Outcome::Continued => "continued",
            Outcome::Warned => "warned",
            Outcome::Exited => "exited",
            Outcome::Promoted => "promoted",
        }
    }
    /// Whether this outcome makes (or keeps) an applicant a pilot.
    pub fn is_pilot(self) -> bool {
        matches!(
            self,
            Outcome::Selected | Outcome::Continued | Outcome::Warned | Outcome::Promoted
        )
    }
    /// Outcomes an assessment round decides.
    pub const ASSESSMENT: [Outcome; 4] = [
        Outcome::Continued,
        Outcome::Warned,
        Outcome::Exited,
        Outcome::Promoted,
    ];
    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim() {
            "selected" | "入选" => Some(Outcome::Selected),
            "reserve" | "备选" | "后备" => Some(Outcome::Reserve),
            "not_selected" | "rejected" | "未入选" => Some(Outcome::NotSelected),
            "continued" | "继续试点" | "继续" => Some(Outcome::Continued),
            "warned" | "warning" | "限期整改" | "整改" | "警告" => Some(Outcome::Warned),
            "exited" | "exit" | "退出" | "退出试点" => Some(Outcome::Exited),
            "promoted" | "递补" | "递补入选" => Some(Outcome::Promoted),
            _ => None,
        }
    }
    pub fn label(self, lang: crate::base::i18n::Lang) -> &'static str {
        match self {
            Outcome::Selected => lang.pick("入选", "selected"),
            Outcome::Reserve => lang.pick("备选", "reserve"),
            Outcome::NotSelected => lang.pick("未入选", "not selected"),
            Outcome::Continued => lang.pick("继续试点", "continues"),
            Outcome::Warned => lang.pick("限期整改", "warned"),
            Outcome::Exited => lang.pick("退出试点", "exits"),
            Outcome::Promoted => lang.pick("递补入选", "promoted"),
        }
    }
}
