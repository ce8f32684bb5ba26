//! Eligibility (资格审查): pass/fail checks computed from the application and
//! the call, each with its reason, outside the points.

use super::application::{Application, Route};
use super::call::{Call, Tier};
use crate::base::i18n::Lang;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Eligible,
    Ineligible,
    /// Included without competing (直接纳入), e.g. an approved demonstration
    /// zone among province-administered counties.
    DirectlyIncluded,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::Ineligible => "ineligible",
            Verdict::DirectlyIncluded => "directly_included",
        }
    }
    pub fn parse(s: &str) -> Option<Verdict> {
        [
            Verdict::Eligible,
            Verdict::Ineligible,
            Verdict::DirectlyIncluded,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Verdict::Eligible => lang.pick("合格", "eligible"),
            Verdict::Ineligible => lang.pick("不合格", "ineligible"),
            Verdict::DirectlyIncluded => lang.pick("直接纳入", "directly included"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Deadline,
    Sections,
    GovernmentApproval,
    Route,
    Indicators,
    InvestmentPlan,
    LeadingGroup,
    DirectInclusion,
}

impl CheckKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CheckKind::Deadline => lang.pick("按时报送", "submitted by the deadline"),
            CheckKind::Sections => lang.pick("方案内容完整", "all work-plan sections"),
            CheckKind::GovernmentApproval => {
                lang.pick("本级政府审核同意", "approved by the same-level government")
            }
            CheckKind::Route => lang.pick("报送渠道", "submission route"),
            CheckKind::Indicators => lang.pick("指标超过同级平均", "indicators above tier average"),
            CheckKind::InvestmentPlan => lang.pick("三年投资计划", "three-year investment plan"),
            CheckKind::LeadingGroup => {
                lang.pick("主要领导任组长", "leading group under the principal leader")
            }
            CheckKind::DirectInclusion => lang.pick("直接纳入", "direct inclusion"),
        }
    }
}

/// One check with its outcome and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    pub passed: bool,
    pub reason_zh: String,
    pub reason_en: String,
}

impl Check {
    pub fn reason(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.reason_zh,
            Lang::En => &self.reason_en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EligibilityResult {
    pub verdict: Verdict,
    pub checks: Vec<Check>,
}

impl EligibilityResult {
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

fn check(kind: CheckKind, passed: bool, zh: String, en: String) -> Check {
    Check {
        kind,
        passed,
        reason_zh: zh,
        reason_en: en,
    }
}

/// Runs every eligibility check of the call on one application.
pub fn assess(call: &Call, app: &Application) -> EligibilityResult {
    let Some(tier) = call.tier(&app.tier) else {
        let c = check(
            CheckKind::Route,
            false,
            format!("层级 {} 不在本次申报范围内", app.tier),
            format!("tier {} is not part of this call", app.tier),
        );
        return EligibilityResult {
            verdict: Verdict::Ineligible,
            checks: vec![c],
        };
    };
    let checks = vec![
        deadline(call, app),
        sections(call, app),
        approval(app),
        route(call, tier, app),
        indicators(tier, app),
        investment(tier, app),
        leading_group(app),
    ];
    let included = !tier.eligibility.direct_inclusion_flags.is_empty()
        && tier
            .eligibility
            .direct_inclusion_flags
            .iter()
            .all(|f| app.has_flag(f));
    let verdict = if included {
        Verdict::DirectlyIncluded
    } else if checks.iter().all(|c| c.passed) {
        Verdict::Eligible
    } else {
        Verdict::Ineligible
    };
    let mut checks = checks;
    if included {
        let names: Vec<&str> = tier
            .eligibility
            .direct_inclusion_flags
            .iter()
            .map(|f| call.flag(f).map(|d| d.name.as_str()).unwrap_or(f))
            .collect();
        checks.push(check(
            CheckKind::DirectInclusion,
            true,
            format!("{}:按通知直接纳入试点范围", names.join("、")),
            format!(
                "carries {}: included directly, as the call says",
                tier.eligibility.direct_inclusion_flags.join(" + ")
            ),
        ));
    }
    EligibilityResult { verdict, checks }
}

fn deadline(call: &Call, app: &Application) -> Check {
    let due = call.info.deadline;
    let on = app.submitted_on;
    if on <= due {
        check(
            CheckKind::Deadline,
            true,
            format!("{on} 报送,截止 {due}"),
            format!("submitted {on}, deadline {due}"),
        )
    } else {
        let late = (on - due).num_days();
        check(
            CheckKind::Deadline,
            false,
            format!("{on} 报送,超过截止日期 {due} {late} 天"),
            format!("submitted {on}, {late} days after the deadline {due}"),
        )
    }
}

fn sections(call: &Call, app: &Application) -> Check {
    let missing: Vec<&super::call::Section> = call
        .sections
        .iter()
        .filter(|s| app.sections.get(&s.id).is_none_or(|t| t.trim().is_empty()))
        .collect();
    if missing.is_empty() {
        check(
            CheckKind::Sections,
            true,
            format!("{} 个部分齐全", call.sections.len()),
            format!("all {} sections present", call.sections.len()),
        )
    } else {
        let zh: Vec<&str> = missing.iter().map(|s| s.name.as_str()).collect();
        let en: Vec<&str> = missing
            .iter()
            .map(|s| {
                if s.name_en.is_empty() {
                    s.id.as_str()
                } else {
                    s.name_en.as_str()
                }
            })
            .collect();
        check(
            CheckKind::Sections,
            false,
            format!("缺少:{}", zh.join("、")),
            format!("missing: {}", en.join(", ")),
        )
    }
}

fn approval(app: &Application) -> Check {
    if app.government_approval {
        check(
            CheckKind::GovernmentApproval,
            true,
            "工作方案经本级人民政府审核同意".into(),
            "work plan approved by the same-level people's government".into(),
        )
    } else {
        check(
            CheckKind::GovernmentApproval,
            false,
            "工作方案未经本级人民政府审核同意".into(),
            "work plan not approved by the same-level people's government".into(),
        )
    }
}

fn route(call: &Call, tier: &Tier, app: &Application) -> Check {
    let route = app.route.as_str();
    let (zh_route, en_route) = match app.route {
        Route::Prefecture => ("经市州发改委报送", "through the prefecture DRC"),
        Route::Direct => ("直接报送", "directly"),
    };
    if !tier.eligibility.routes.iter().any(|r| r == route) {
        return check(
            CheckKind::Route,
            false,
            format!("{}层级不接受{}", tier.name, zh_route),
            format!("tier {} does not accept submission {}", tier.id, en_route),
        );
    }
    if app.route == Route::Direct
        && let Some(flag) = &tier.eligibility.direct_route_flag
        && !app.has_flag(flag)
    {
        let name = call.flag(flag).map(|f| f.name.as_str()).unwrap_or(flag);
        return check(
            CheckKind::Route,
            false,
            format!("直接报送仅限{name},该申报主体不是{name}"),
            format!("only applicants flagged {flag} may submit directly"),
        );
    }
    check(
        CheckKind::Route,
        true,
        zh_route.to_string(),
        format!("submitted {en_route}"),
    )
}

fn indicators(tier: &Tier, app: &Application) -> Check {
    let defs = &tier.indicators;
    let need = tier.eligibility.min_indicator_share;
    if defs.is_empty() {
        return check(
            CheckKind::Indicators,
            true,
            "本层级未设指标".into(),
            "no indicators set for this tier".into(),
        );
    }
    let above = defs
        .iter()
        .filter(|d| {
            app.indicators
                .get(&d.id)
                .is_some_and(|v| d.beats_average(*v))
        })
        .count();
    let missing: Vec<&str> = defs
        .iter()
        .filter(|d| !app.indicators.contains_key(&d.id))
        .map(|d| d.name.as_str())
        .collect();
    let share = above as f64 / defs.len() as f64;
    // A small tolerance so that 3 of 5 meets a 0.6 rule despite float rounding.
    let passed = share + 1e-9 >= need;
    let required = (need * defs.len() as f64 - 1e-9).ceil() as usize;
    let mut zh = format!(
        "{above}/{} 项高于全省同级平均(要求至少 {required} 项)",
        defs.len()
    );
    let mut en = format!(
        "{above} of {} above the tier average (at least {required} required)",
        defs.len()
    );
    if !missing.is_empty() {
        zh.push_str(&format!(";未填报:{}", missing.join("、")));
        en.push_str(&format!("; not reported: {}", missing.len()));
    }
    check(CheckKind::Indicators, passed, zh, en)
}

fn investment(tier: &Tier, app: &Application) -> Check {
    let years = &tier.eligibility.investment_years;
    let plan = app.plan_by_year();
    let missing: Vec<i32> = years
        .iter()
        .copied()
        .filter(|y| plan.get(y).copied().unwrap_or(0.0) <= 0.0)
        .collect();
    let total: f64 = years.iter().filter_map(|y| plan.get(y)).sum();
    if app.projects.is_empty() {
        return check(
            CheckKind::InvestmentPlan,
            years.is_empty(),
            "未提供重大项目投资计划".into(),
            "no investment plan".into(),
        );
    }
    if missing.is_empty() {
        check(
            CheckKind::InvestmentPlan,
            true,
            format!(
                "{} 个项目,计划投资 {},覆盖 {} 年",
                app.projects.len(),
                crate::base::i18n::yi_yuan(Lang::Zh, total),
                years.len()
            ),
            format!(
                "{} projects, {} planned over {} years",
                app.projects.len(),
                crate::base::i18n::yi_yuan(Lang::En, total),
                years.len()
            ),
        )
    } else {
        let list: Vec<String> = missing.iter().map(|y| y.to_string()).collect();
        check(
            CheckKind::InvestmentPlan,
            false,
            format!("投资计划未覆盖 {} 年", list.join("、")),
            format!("investment plan has nothing for {}", list.join(", ")),
        )
    }
}

fn leading_group(app: &Application) -> Check {
    let head = if app.leading_group.head.is_empty() {
        "未说明".to_string()
    } else {
        app.leading_group.head.clone()
    };
    if app.leading_group.principal {
        check(
            CheckKind::LeadingGroup,
            true,
            format!("领导小组由{head}任组长"),
            format!("leading group headed by the principal leader ({head})"),
        )
    } else {
        check(
            CheckKind::LeadingGroup,
            false,
            format!("领导小组由{head}任组长,非主要领导"),
            format!("leading group headed by {head}, not the principal leader"),
        )
    }
}
