//! An application to a call: who applies, how it was submitted, its work
//! plan, its indicators and its three-year investment plan.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub id: String,
    pub call: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    pub tier: String,
    /// Prefecture id (the importer also accepts a prefecture's name).
    pub prefecture: String,
    /// Region id; the prefecture's region when left out.
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub flags: Vec<String>,
    #[serde(with = "super::date")]
    pub submitted_on: NaiveDate,
    pub route: Route,
    pub government_approval: bool,
    #[serde(default)]
    pub contact: String,
    pub leading_group: LeadingGroup,
    /// Work-plan text by section id.
    pub sections: BTreeMap<String, String>,
    /// Indicator values by indicator id.
    #[serde(default)]
    pub indicators: BTreeMap<String, f64>,
    #[serde(default)]
    pub projects: Vec<Project>,
}

/// How the work plan reached the commission: through the prefecture's DRC, or
/// directly (open to province-administered counties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Prefecture,
    Direct,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Prefecture => "prefecture",
            Route::Direct => "direct",
        }
    }
    pub fn parse(s: &str) -> Option<Route> {
        match s {
            "prefecture" => Some(Route::Prefecture),
            "direct" => Some(Route::Direct),
            _ => None,
        }
    }
}

/// The pilot's leading group: who heads it, and whether that is the
/// principal leader (the notice asks for 主要领导任组长).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadingGroup {
    #[serde(default)]
    pub head: String,
    pub principal: bool,
}

/// One project of the investment plan; amounts in 亿元.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub status: String,
    pub total: f64,
    /// Planned amount by year (years as strings in TOML keys).
    #[serde(default)]
    pub plan: BTreeMap<String, f64>,
}

/// An investment plan's amounts summed per year (keys that are not years
/// are left out; the plain-facts check refuses them at import).
pub fn plan_by_year(projects: &[Project]) -> BTreeMap<i32, f64> {
    let mut years = BTreeMap::new();
    for project in projects {
        for (year, amount) in &project.plan {
            if let Ok(y) = year.trim().parse::<i32>() {
                *years.entry(y).or_insert(0.0) += amount;
            }
        }
    }
    years
}

impl Project {
    pub fn planned(&self, year: i32) -> f64 {
        self.plan.get(&year.to_string()).copied().unwrap_or(0.0)
    }
}

impl Application {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// Planned investment per year over all projects.
    pub fn plan_by_year(&self) -> BTreeMap<i32, f64> {
        plan_by_year(&self.projects)
    }

    /// Checks the plain facts of one application, independent of any call:
    /// amounts are finite and not negative, plan keys are years.
    ///
    /// The messages are in the process's language (`i18n::say`): returning
    /// both languages would make every caller (the store's refusals, the
    /// import) pick one anyway, and they would pick by the same setting.
    pub fn check(&self) -> Vec<String> {
        use crate::base::i18n::say;
        let mut problems = Vec::new();
        for (i, p) in self.projects.iter().enumerate() {
            if !p.total.is_finite() || p.total < 0.0 {
                let total = p.total;
                problems.push(say(
                    format!("projects[{i}].total:应为不小于 0 的金额,实际为 {total}"),
                    format!("projects[{i}].total: expected an amount ≥ 0, found {total}"),
                ));
            }
            for (year, amount) in &p.plan {
                if year.trim().parse::<i32>().is_err() {
                    problems.push(say(
                        format!("projects[{i}].plan:键应为年份,实际为 {year:?}"),
                        format!("projects[{i}].plan: expected a year as key, found {year:?}"),
                    ));
                }
                if !amount.is_finite() || *amount < 0.0 {
                    problems.push(say(
                        format!("projects[{i}].plan.{year}:应为不小于 0 的金额,实际为 {amount}"),
                        format!(
                            "projects[{i}].plan.{year}: expected an amount ≥ 0, found {amount}"
                        ),
                    ));
                }
            }
        }
        for (id, value) in &self.indicators {
            if !value.is_finite() {
                problems.push(say(
                    format!("indicators.{id}:应为数字,实际为 {value}"),
                    format!("indicators.{id}: expected a number, found {value}"),
                ));
            }
        }
        problems
    }
}
