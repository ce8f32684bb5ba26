//! A call for applications, as data: its tiers, criteria, weights, balance
//! rules and rounds. Nothing about a particular call lives in code.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    #[serde(rename = "call")]
    pub info: CallInfo,
    pub sections: Vec<Section>,
    pub regions: Vec<Region>,
    pub prefectures: Vec<Prefecture>,
    #[serde(default)]
    pub flags: Vec<FlagDef>,
    pub tiers: Vec<Tier>,
    pub rubrics: Vec<Rubric>,
    /// Consequences of the annual assessments (dynamic management).
    #[serde(default)]
    pub management: Management,
}

/// What an assessment's grade leads to, as the call sets it out: a warning
/// with a deadline for a failing grade, exit after repeated failure or a
/// failed mid-term evaluation, and a reserve promoted into a freed place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Management {
    /// Months from the decision a warned pilot has to rectify.
    pub rectify_months: u32,
    /// Failing assessments (in any years) after which a pilot exits.
    pub exit_after_failures: u32,
    /// Whether failing a mid-term round means exit at once.
    pub exit_on_failed_midterm: bool,
    /// Whether the best remaining reserve of the tier takes a freed place.
    pub promote_reserves: bool,
    /// Years whose assessment is a mid-term evaluation (the notice: stage
    /// results in 2018).
    pub midterm_years: Vec<i32>,
}

impl Default for Management {
    fn default() -> Self {
        Management {
            rectify_months: 6,
            exit_after_failures: 2,
            exit_on_failed_midterm: true,
            promote_reserves: true,
            midterm_years: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallInfo {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    pub issuer: String,
    #[serde(default)]
    pub issuer_en: String,
    pub doc_number: String,
    #[serde(
        default,
        with = "super::date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub published_on: Option<NaiveDate>,
    #[serde(with = "super::date")]
    pub deadline: NaiveDate,
    pub pilot_start: i32,
    pub pilot_end: i32,
    #[serde(default)]
    pub reviews_visible: ReviewsVisible,
    #[serde(default = "default_range")]
    pub disagreement_range: f64,
    #[serde(default = "default_sd")]
    pub disagreement_sd: f64,
}

fn default_reserves() -> u32 {
    2
}

fn yes() -> bool {
    true
}

fn default_range() -> f64 {
    20.0
}
fn default_sd() -> f64 {
    8.0
}

/// When a reviewer may see the other reviewers' scores for an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewsVisible {
    Never,
    #[default]
    AfterOwnSubmission,
    Always,
}

/// A named part of the work plan every application must contain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prefecture {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    /// The region an application from here belongs to unless it says otherwise.
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

/// A tier of applicant (town cluster, county, town) with its own indicators,
/// eligibility rules and selection rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    /// Places on the list for this tier.
    pub quota: u32,
    /// Most places one prefecture may take in this tier (0: no cap).
    #[serde(default)]
    pub prefecture_cap: u32,
    /// Places each region is guaranteed where it has an eligible candidate.
    #[serde(default)]
    pub region_floor: u32,
    /// Lowest aggregate score (of 100) that can be selected.
    #[serde(default)]
    pub min_score: f64,
    /// Criterion ids whose sub-scores break ties, in order.
    #[serde(default)]
    pub tie_break: Vec<String>,
    /// Reserve places (备选) proposed after the quota.
    #[serde(default = "default_reserves")]
    pub reserves: u32,
    /// Whether a directly-included applicant (直接纳入) takes one of its
    /// 市州's `prefecture_cap` places, at selection and when a reserve is
    /// promoted alike. Default true: the cap balances the pilots a 市州
    /// holds, however they got in.
    #[serde(default = "yes")]
    pub direct_counts_toward_cap: bool,
    /// Whether a directly-included applicant is one of its region's
    /// `region_floor` places at selection. Default true: the floor
    /// guarantees a region pilots, however they got in.
    #[serde(default = "yes")]
    pub direct_fills_region_floor: bool,
    pub eligibility: Eligibility,
    #[serde(default)]
    pub indicators: Vec<IndicatorDef>,
}

/// Eligibility rules (资格审查) for a tier. Deadline, sections, government
/// approval and the leading group apply to every tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// Submission routes allowed: "prefecture", "direct".
    pub routes: Vec<String>,
    /// A flag the applicant must carry to use the direct route.
    #[serde(default)]
    pub direct_route_flag: Option<String>,
    /// Share of indicators that must beat the tier average (0.0–1.0).
    #[serde(default)]
    pub min_indicator_share: f64,
    /// Years the investment plan must cover with a positive amount.
    #[serde(default)]
    pub investment_years: Vec<i32>,
    /// Applicants carrying all these flags are included directly (直接纳入).
    #[serde(default)]
    pub direct_inclusion_flags: Vec<String>,
}

/// An indicator with the provincial average for the tier. Higher is better
/// unless `lower_is_better` says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub unit: String,
    pub average: f64,
    #[serde(default)]
    pub lower_is_better: bool,
}

impl IndicatorDef {
    pub fn beats_average(&self, value: f64) -> bool {
        if self.lower_is_better {
            value < self.average
        } else {
            value > self.average
        }
    }
}

/// A scoring rubric: criteria per tier and, for assessments, grade bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    pub criteria: Vec<Criterion>,
    /// Grade bands, highest first; a total gets the first band whose `min` it reaches.
    #[serde(default)]
    pub grades: Vec<GradeBand>,
    /// Criterion ids whose sub-scores break ties in rounds on this rubric,
    /// in order; when empty, the tier's `tie_break` (an assessment rubric
    /// has its own criteria, so it names its own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tie_break: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    /// Tiers this criterion applies to; empty means every tier.
    #[serde(default)]
    pub tiers: Vec<String>,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    /// Highest value a reviewer may give.
    pub max: f64,
    /// Multiplier of the value in the total (1 for a points rubric).
    #[serde(default = "one")]
    pub weight: f64,
    /// The material this criterion reads: a section id, "indicators", "investment", "eligibility".
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub low: String,
    #[serde(default)]
    pub mid: String,
    #[serde(default)]
    pub full: String,
}

fn one() -> f64 {
    1.0
}

impl Criterion {
    pub fn applies_to(&self, tier: &str) -> bool {
        self.tiers.is_empty() || self.tiers.iter().any(|t| t == tier)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    pub min: f64,
    /// A failing grade (不合格): a warning, and counts towards exit.
    #[serde(default)]
    pub failing: bool,
}

impl Rubric {
    /// The criteria a tier is scored on, in rubric order.
    pub fn criteria_for<'a>(&'a self, tier: &'a str) -> impl Iterator<Item = &'a Criterion> + 'a {
        self.criteria.iter().filter(move |c| c.applies_to(tier))
    }

    pub fn criterion(&self, tier: &str, id: &str) -> Option<&Criterion> {
        self.criteria
            .iter()
            .find(|c| c.id == id && c.applies_to(tier))
    }

    /// Full marks for a tier: the weighted sum of every criterion's maximum.
    pub fn full_marks(&self, tier: &str) -> f64 {
        self.criteria_for(tier).map(|c| c.max * c.weight).sum()
    }

    pub fn grade_for(&self, total_of_100: f64) -> Option<&GradeBand> {
        self.grades.iter().find(|g| total_of_100 >= g.min)
    }

    /// Whether a grade name (as decided) is a failing one.
    pub fn is_failing(&self, grade: &str) -> bool {
        self.grades.iter().any(|g| g.failing && g.name == grade)
    }
}

impl Call {
    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }
    /// A grade band as the language names it (decisions keep the band's
    /// Chinese name); an unknown grade as given.
    pub fn grade_name(&self, rubric: &str, grade: &str, lang: crate::base::i18n::Lang) -> String {
        self.rubric(rubric)
            .and_then(|r| r.grades.iter().find(|g| g.name == grade))
            .map(|g| crate::base::i18n::name_in(lang, &g.name, &g.name_en).to_string())
            .unwrap_or_else(|| grade.to_string())
    }

    pub fn rubric(&self, id: &str) -> Option<&Rubric> {
        self.rubrics.iter().find(|r| r.id == id)
    }
    /// The criteria whose sub-scores break ties in a tier, in rounds on
    /// `rubric`: the rubric's own order if it sets one, else the tier's.
    pub fn tie_break<'a>(&'a self, tier: &'a Tier, rubric: &'a Rubric) -> &'a [String] {
        if rubric.tie_break.is_empty() {
            &tier.tie_break
        } else {
            &rubric.tie_break
        }
    }
    /// The rubric assessments use: the first with grade bands.
    pub fn assessment_rubric(&self) -> Option<&Rubric> {
        self.rubrics.iter().find(|r| !r.grades.is_empty())
    }
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
    pub fn flag(&self, id: &str) -> Option<&FlagDef> {
        self.flags.iter().find(|f| f.id == id)
    }
    /// The display name of a prefecture, region, tier or flag id of this
    /// call, in the interface language; None for an id it does not define.
    pub fn name_of(&self, id: &str, lang: crate::base::i18n::Lang) -> Option<String> {
        use crate::base::i18n::name_in;
        self.prefectures
            .iter()
            .find(|p| p.id == id)
            .map(|p| name_in(lang, &p.name, &p.name_en).to_string())
            .or_else(|| {
                self.region(id)
                    .map(|r| name_in(lang, &r.name, &r.name_en).to_string())
            })
            .or_else(|| {
                self.tier(id)
                    .map(|t| name_in(lang, &t.name, &t.name_en).to_string())
            })
            .or_else(|| {
                self.flag(id)
                    .map(|f| name_in(lang, &f.name, &f.name_en).to_string())
            })
    }

    /// A prefecture by id or by its Chinese or English name.
    pub fn prefecture(&self, key: &str) -> Option<&Prefecture> {
        self.prefectures
            .iter()
            .find(|p| p.id == key || p.name == key || p.name_en.eq_ignore_ascii_case(key))
    }

    /// Checks that every reference inside the call points at something it
    /// defines. Returns one message per broken reference, with a field path.
    ///
    /// The messages are in the process's language (`i18n::say`, an atomic
    /// read: the domain stays free of I/O). Returning both languages would
    /// only move the same choice to every caller.
    pub fn check(&self) -> Vec<String> {
        use crate::base::i18n::say;
        let mut problems = Vec::new();
        let mut dup = |kind: &str, ids: Vec<&str>| {
            let mut seen = std::collections::HashSet::new();
            for id in ids {
                if !seen.insert(id) {
                    problems.push(say(
                        format!("{kind}:编号 {id:?} 重复定义"),
                        format!("{kind}: id {id:?} is defined twice"),
                    ));
                }
            }
        };
        dup(
            "sections",
            self.sections.iter().map(|s| s.id.as_str()).collect(),
        );
        dup(
            "regions",
            self.regions.iter().map(|s| s.id.as_str()).collect(),
        );
        dup(
            "prefectures",
            self.prefectures.iter().map(|s| s.id.as_str()).collect(),
        );
        dup("tiers", self.tiers.iter().map(|s| s.id.as_str()).collect());
        dup(
            "rubrics",
            self.rubrics.iter().map(|s| s.id.as_str()).collect(),
        );
        for (i, p) in self.prefectures.iter().enumerate() {
            if self.region(&p.region).is_none() {
                let region = &p.region;
                problems.push(say(
                    format!("prefectures[{i}].region:应为本通知所列区域之一,实际为 {region:?}"),
                    format!(
                        "prefectures[{i}].region: expected one of the call's regions, found {region:?}"
                    ),
                ));
            }
        }
        for (t, tier) in self.tiers.iter().enumerate() {
            for route in &tier.eligibility.routes {
                if route != "prefecture" && route != "direct" {
                    problems.push(say(
                        format!(
                            "tiers[{t}].eligibility.routes:应为 \"prefecture\"(经市州)或 \"direct\"(直报),实际为 {route:?}"
                        ),
                        format!(
                            "tiers[{t}].eligibility.routes: expected \"prefecture\" or \"direct\", found {route:?}"
                        ),
                    ));
                }
            }
            let flags = tier
                .eligibility
                .direct_route_flag
                .iter()
                .chain(&tier.eligibility.direct_inclusion_flags);
            for flag in flags {
                if self.flag(flag).is_none() {
                    problems.push(say(
                        format!("tiers[{t}].eligibility:未知标记 {flag:?}"),
                        format!("tiers[{t}].eligibility: unknown flag {flag:?}"),
                    ));
                }
            }
            if !(0.0..=1.0).contains(&tier.eligibility.min_indicator_share) {
                problems.push(say(
                    format!("tiers[{t}].eligibility.min_indicator_share:应为 0 至 1 之间的比例"),
                    format!(
                        "tiers[{t}].eligibility.min_indicator_share: expected a share between 0 and 1"
                    ),
                ));
            }
        }
        let finite = |v: f64| v.is_finite();
        if !finite(self.info.disagreement_range) || !finite(self.info.disagreement_sd) {
            problems.push(say(
                "call.disagreement_range/disagreement_sd:应为有限数值",
                "call.disagreement_range/disagreement_sd: expected finite numbers",
            ));
        }
        // A field that must hold a finite number: what to say if it does not.
        let unless_finite = |v: f64, field: String| {
            (!v.is_finite()).then(|| {
                say(
                    format!("{field}:应为有限数值"),
                    format!("{field}: expected a finite number"),
                )
            })
        };
        for (t, tier) in self.tiers.iter().enumerate() {
            problems.extend(unless_finite(
                tier.min_score,
                format!("tiers[{t}].min_score"),
            ));
            for (i, ind) in tier.indicators.iter().enumerate() {
                problems.extend(unless_finite(
                    ind.average,
                    format!("tiers[{t}].indicators[{i}].average"),
                ));
            }
        }
        for (r, rubric) in self.rubrics.iter().enumerate() {
            for (g, band) in rubric.grades.iter().enumerate() {
                problems.extend(unless_finite(
                    band.min,
                    format!("rubrics[{r}].grades[{g}].min"),
                ));
            }
            for (c, crit) in rubric.criteria.iter().enumerate() {
                for tier in &crit.tiers {
                    if self.tier(tier).is_none() {
                        problems.push(say(
                            format!("rubrics[{r}].criteria[{c}].tiers:未知层级 {tier:?}"),
                            format!("rubrics[{r}].criteria[{c}].tiers: unknown tier {tier:?}"),
                        ));
                    }
                }
                if !crit.max.is_finite()
                    || crit.max <= 0.0
                    || !crit.weight.is_finite()
                    || crit.weight <= 0.0
                {
                    problems.push(say(
                        format!("rubrics[{r}].criteria[{c}]:满分(max)与权重(weight)应为正数"),
                        format!(
                            "rubrics[{r}].criteria[{c}]: max and weight must be positive numbers"
                        ),
                    ));
                }
            }
            for tier in &self.tiers {
                let mut seen = std::collections::HashSet::new();
                for crit in rubric.criteria_for(&tier.id) {
                    if !seen.insert(&crit.id) {
                        let (crit, tier) = (&crit.id, &tier.id);
                        problems.push(say(
                            format!("rubrics[{r}]:评分项 {crit:?} 在层级 {tier:?} 中重复定义"),
                            format!(
                                "rubrics[{r}]: criterion {crit:?} is defined twice for tier {tier:?}"
                            ),
                        ));
                    }
                }
            }
        }
        for (t, tier) in self.tiers.iter().enumerate() {
            for id in &tier.tie_break {
                if !self
                    .rubrics
                    .iter()
                    .any(|r| r.criteria.iter().any(|c| &c.id == id))
                {
                    problems.push(say(
                        format!("tiers[{t}].tie_break:未知评分项 {id:?}"),
                        format!("tiers[{t}].tie_break: unknown criterion {id:?}"),
                    ));
                }
            }
        }
        for (r, rubric) in self.rubrics.iter().enumerate() {
            for id in &rubric.tie_break {
                if !rubric.criteria.iter().any(|c| &c.id == id) {
                    problems.push(say(
                        format!("rubrics[{r}].tie_break:不是本评分细则的评分项:{id:?}"),
                        format!("rubrics[{r}].tie_break: not a criterion of this rubric: {id:?}"),
                    ));
                }
            }
        }
        problems
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    Selection,
    Assessment,
}

impl RoundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundKind::Selection => "selection",
            RoundKind::Assessment => "assessment",
        }
    }
    pub fn parse(s: &str) -> Option<RoundKind> {
        match s {
            "selection" => Some(RoundKind::Selection),
            "assessment" => Some(RoundKind::Assessment),
            _ => None,
        }
    }
}

/// A round moves forward only: open → scoring → deliberation → finalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    Open,
    Scoring,
    Deliberation,
    Finalised,
}

impl RoundState {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Open => "open",
            RoundState::Scoring => "scoring",
            RoundState::Deliberation => "deliberation",
            RoundState::Finalised => "finalised",
        }
    }
    pub fn parse(s: &str) -> Option<RoundState> {
        match s {
            "open" => Some(RoundState::Open),
            "scoring" => Some(RoundState::Scoring),
            "deliberation" => Some(RoundState::Deliberation),
            "finalised" => Some(RoundState::Finalised),
            _ => None,
        }
    }
    pub fn label(self, lang: crate::base::i18n::Lang) -> &'static str {
        match self {
            RoundState::Open => lang.pick("受理中", "open"),
            RoundState::Scoring => lang.pick("评分中", "scoring"),
            RoundState::Deliberation => lang.pick("合议中", "deliberation"),
            RoundState::Finalised => lang.pick("已定案", "finalised"),
        }
    }
    /// Scores may be entered or changed only while a round is open or scoring.
    pub fn accepts_scores(self) -> bool {
        matches!(self, RoundState::Open | RoundState::Scoring)
    }
}

/// A round of a call: the selection round or a later annual assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Round {
    pub id: String,
    #[serde(default)]
    pub call: String,
    pub kind: RoundKind,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    pub rubric: String,
    #[serde(with = "super::date")]
    pub deadline: NaiveDate,
    pub state: RoundState,
    /// For an assessment round: the year assessed.
    #[serde(default)]
    pub year: Option<i32>,
    /// A mid-term evaluation (the notice's 2018 stage results): failing it
    /// may mean exit at once (`management.exit_on_failed_midterm`).
    #[serde(default)]
    pub midterm: bool,
}
