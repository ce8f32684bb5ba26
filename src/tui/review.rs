//! The review screen's state: the application's material (as tabs) on the
//! left, the tier's criteria and the scoring form on the right. Pure state;
//! writes leave as effects for the runtime to commit.

use crate::base::i18n::Lang;
use crate::domain::review::total;
use crate::domain::*;

/// A tab of the application's material.
#[derive(Debug, Clone, PartialEq)]
pub enum Tab {
    Section { id: String, name: String },
    Indicators,
    Investment,
    Eligibility,
}

impl Tab {
    pub fn label(&self, lang: Lang) -> String {
        match self {
            Tab::Section { name, .. } => name.clone(),
            Tab::Indicators => lang.pick("指标", "Indicators").into(),
            Tab::Investment => lang.pick("投资计划", "Investment").into(),
            Tab::Eligibility => lang.pick("资格审查", "Eligibility").into(),
        }
    }
}

/// Another reviewer's result, when the call's rule lets this member see it.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherReview {
    pub member: String,
    pub status: ReviewStatus,
    pub total: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Others {
    /// The call hides them until this member submits (or always).
    Hidden {
        until_submitted: bool,
    },
    Shown(Vec<OtherReview>),
}

#[derive(Debug, Clone)]
pub struct ReviewForm {
    pub round: String,
    pub app: Application,
    pub eligibility: EligibilityResult,
    pub tier_name: String,
    pub prefecture_name: String,
    pub region_name: String,
    pub flag_names: Vec<String>,
    pub indicators: Vec<IndicatorDef>,
    pub rubric: Rubric,
    pub criteria: Vec<Criterion>,
    pub values: Vec<Option<f64>>,
    /// The values as this screen last saw them stored: what a write
    /// replaces (see `Effect::SetValue`), and what a reload compares with.
    pub stored: Vec<Option<f64>>,
    pub comments: Vec<String>,
    /// Comments typed and not committed (edit buffers kept because the
    /// review was submitted elsewhere or the round moved on): criterion id,
    /// '' for the overall comment → text. The editor opens with them.
    pub kept: std::collections::BTreeMap<String, String>,
    /// Submitted, and submitting showed the others' submitted reviews: the
    /// member cannot reopen it; only the secretary's revisit request can.
    pub reopen_needs_revisit: bool,
    pub overall: String,
    pub status: Option<ReviewStatus>,
    /// Focused row: a criterion, or `criteria.len()` for the overall comment.
    pub focus: usize,
    /// Digits typed into the focused criterion, while typing.
    pub input: Option<String>,
    pub tabs: Vec<Tab>,
    pub tab: usize,
    pub scroll: usize,
    /// Scroll of the notes under the criteria (descriptors, comment, others).
    pub detail_scroll: usize,
    pub others: Others,
    /// Actual investment per year (pilots, from the assessments on).
    pub actuals: std::collections::BTreeMap<i32, f64>,
}

impl ReviewForm {
    pub fn overall_row(&self) -> usize {
        self.criteria.len()
    }

    pub fn submitted(&self) -> bool {
        self.status == Some(ReviewStatus::Submitted)
    }

    pub fn focused_criterion(&self) -> Option<&Criterion> {
        self.criteria.get(self.focus)
    }

    pub fn total(&self) -> review::Total {
        let values = self
            .criteria
            .iter()
            .zip(&self.values)
            .filter_map(|(c, v)| v.map(|v| (c.id.as_str(), v)))
            .collect();
        total(&self.rubric, &self.app.tier, &values)
    }

    pub fn blank_criteria(&self) -> Vec<&str> {
        self.criteria
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| v.is_none())
            .map(|(c, _)| c.name.as_str())
            .collect()
    }

    /// The material tab a criterion reads, so the left pane can follow focus.
    pub fn tab_for_focus(&self) -> Option<usize> {
        let c = self.focused_criterion()?;
        self.tabs
            .iter()
            .position(|t| match (t, c.section.as_str()) {
                (Tab::Indicators, "indicators") => true,
                (Tab::Investment, "investment") => true,
                (Tab::Eligibility, "eligibility") => true,
                (Tab::Section { id, .. }, s) => id == s,
                _ => false,
            })
    }

    pub fn set_focus(&mut self, focus: usize) {
        self.focus = focus.min(self.overall_row());
        self.input = None;
        self.detail_scroll = 0;
        if let Some(tab) = self.tab_for_focus()
            && tab != self.tab
        {
            self.tab = tab;
            self.scroll = 0;
        }
    }

    /// The comment of the focused row (criterion or overall).
    pub fn focused_comment(&self) -> &str {
        self.comments
            .get(self.focus)
            .map(String::as_str)
            .unwrap_or(&self.overall)
    }

    /// The text the editor opens with on the focused row: the kept text
    /// when there is one (it started from the comment and went further).
    pub fn editable_comment(&self) -> &str {
        self.kept
            .get(self.focused_id())
            .map(String::as_str)
            .unwrap_or_else(|| self.focused_comment())
    }

    /// The criterion id of the focused row; empty for the overall comment.
    pub fn focused_id(&self) -> &str {
        self.focused_criterion()
            .map(|c| c.id.as_str())
            .unwrap_or("")
    }
}

/// Builds the tabs for a call: its sections, then indicators, the plan and
/// the eligibility result.
pub fn tabs_for(call: &Call, lang: Lang) -> Vec<Tab> {
    let mut tabs: Vec<Tab> = call
        .sections
        .iter()
        .map(|s| Tab::Section {
            id: s.id.clone(),
            name: crate::base::i18n::name_in(lang, &s.name, &s.name_en).to_string(),
        })
        .collect();
    tabs.extend([Tab::Indicators, Tab::Investment, Tab::Eligibility]);
    tabs
}

/// What typing a character into the focused value does.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    /// The text is a number in range: commit it.
    Value(f64),
    /// A prefix of a number ("" or "."): keep typing, commit nothing yet.
    Partial,
    /// Out of range or not a number: the keystroke is refused.
    Refused(String),
}

/// Interprets the typed text for a criterion with maximum `max`.
pub fn interpret(text: &str, max: f64, lang: Lang) -> Typed {
    if text.is_empty() || text == "." {
        return Typed::Partial;
    }
    if text.chars().filter(|c| *c == '.').count() > 1 || text.len() > 8 {
        return Typed::Refused(lang.pick("不是有效的分值", "not a valid score").into());
    }
    match text.parse::<f64>() {
        Ok(v) if (0.0..=max).contains(&v) => Typed::Value(v),
        Ok(_) => Typed::Refused(format!(
            "{} 0–{max}",
            lang.pick("分值须在以下范围内:", "the value must be within")
        )),
        Err(_) => Typed::Refused(lang.pick("不是有效的分值", "not a valid score").into()),
    }
}

/// One step of +/−: half a point, kept within 0..=max; a blank steps from 0.
pub fn step(current: Option<f64>, up: bool, max: f64) -> f64 {
    let base = current.unwrap_or(0.0);
    let next = if up { base + 0.5 } else { base - 0.5 };
    // Snap to the half-point grid so 17.3 steps to 17.5, not 17.8.
    let snapped = if up {
        (next * 2.0).floor() / 2.0
    } else {
        (next * 2.0).ceil() / 2.0
    };
    snapped.clamp(0.0, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_accepts_numbers_in_range_only() {
        assert_eq!(interpret("2", 25.0, Lang::En), Typed::Value(2.0));
        assert_eq!(interpret("21.5", 25.0, Lang::En), Typed::Value(21.5));
        assert_eq!(interpret(".", 25.0, Lang::En), Typed::Partial);
        assert_eq!(interpret("21.", 25.0, Lang::En), Typed::Value(21.0));
        assert!(matches!(interpret("26", 25.0, Lang::En), Typed::Refused(_)));
        assert!(matches!(
            interpret("2.1.", 25.0, Lang::En),
            Typed::Refused(_)
        ));
        match interpret("30", 25.0, Lang::Zh) {
            Typed::Refused(m) => assert!(m.contains("0–25"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn steps_by_half_points_within_range() {
        assert_eq!(step(None, true, 10.0), 0.5);
        assert_eq!(step(None, false, 10.0), 0.0);
        assert_eq!(step(Some(9.8), true, 10.0), 10.0);
        assert_eq!(step(Some(10.0), true, 10.0), 10.0);
        assert_eq!(step(Some(17.3), true, 25.0), 17.5);
        assert_eq!(step(Some(17.3), false, 25.0), 17.0);
    }
}
