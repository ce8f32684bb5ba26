//! Read-only reports: status, members, eligibility, search. Text output is
//! aligned by display width; JSON output has stable English keys and ids.

use super::access::Viewer;
use super::context::Ctx;
use super::output::{col, num, print_json, table};
use crate::base::i18n::{Lang, name_in};
use crate::domain::review::total;
use crate::domain::*;
use crate::store::Store;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// `jury members`: the panel, with each member's roles and declared
/// conflicts.
pub fn members(ctx: &Ctx, as_json: bool) -> anyhow::Result<()> {
    let lang = ctx.lang;
    // Conflict reasons are personal: a locked panel answers members.
    let (store, _) = ctx.reader()?;
    let members = store.members()?;
    let conflicts = store.conflicts()?;
    let db_roles = store.db_roles()?;
    if as_json {
        let list: Vec<Value> = members
            .iter()
            .map(|m| {
                let declared: Vec<Value> = conflicts
                    .iter()
                    .filter(|c| c.member == m.id)
                    .map(|c| json!({"application": c.application, "reason": c.reason}))
                    .collect();
                json!({
                    "id": m.id,
                    "name": m.name,
                    "name_en": m.name_en,
                    "department": m.department,
                    "home_prefecture": m.home_prefecture,
                    "roles": m.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    "conflicts": declared,
                    // The member's login role on a server (null on SQLite,
                    // or before `jury roles`).
                    "db_role": db_roles.get(&m.id),
                })
            })
            .collect();
        return print_json(&json!({ "members": list }));
    }
    let prefectures = prefecture_names(&store, lang)?;
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            let roles: Vec<&str> = m.roles.iter().map(|r| r.label(lang)).collect();
            vec![
                m.id.clone(),
                m.shown(lang),
                crate::base::text::sanitize(&m.department),
                m.home_prefecture
                    .as_ref()
                    .map(|p| prefectures.get(p).cloned().unwrap_or_else(|| p.clone()))
                    .unwrap_or_default(),
                roles.join("、"),
                conflicts
                    .iter()
                    .filter(|c| c.member == m.id)
                    .count()
                    .to_string(),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            lang,
            &[
                col("ID", "ID"),
                col("姓名", "name"),
                col("单位", "department"),
                col("籍贯市州", "home"),
                col("角色", "roles"),
                num("申报回避", "conflicts")
            ],
            &rows
        )
    );
    Ok(())
}

fn prefecture_names(store: &Store, lang: Lang) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for call in store.calls()? {
        for p in call.prefectures {
            out.insert(p.id.clone(), name_in(lang, &p.name, &p.name_en).to_string());
        }
    }
    Ok(out)
}

#[derive(Default, Clone, Copy)]
struct TierCount {
    total: usize,
    eligible: usize,
    ineligible: usize,
    directly_included: usize,
}

impl TierCount {
    fn add(&mut self, v: Verdict) {
        self.total += 1;
        match v {
            Verdict::Eligible => self.eligible += 1,
            Verdict::Ineligible => self.ineligible += 1,
            Verdict::DirectlyIncluded => self.directly_included += 1,
        }
    }
    fn json(&self) -> Value {
        json!({
            "total": self.total,
            "eligible": self.eligible,
            "ineligible": self.ineligible,
            "directly_included": self.directly_included,
        })
    }
}

/// `jury status`: the calls, the rounds and their progress, the panel.
pub fn status(ctx: &Ctx, as_json: bool) -> anyhow::Result<()> {
    let (store, viewer) = ctx.reader()?;
    print_status(&store, &viewer, as_json, ctx.lang)
}

/// What `jury status` prints, as `viewer` may read it.
pub fn print_status(
    store: &Store,
    viewer: &Viewer,
    as_json: bool,
    lang: Lang,
) -> anyhow::Result<()> {
    let calls = store.calls()?;
    let rounds = store.rounds()?;
    let members = store.members()?;
    let counts = store.counts()?;
    let prior = store.prior_decisions()?;
    let prior_selection = prior
        .iter()
        .filter(|p| p.kind == RoundKind::Selection)
        .count();

    let mut call_json = Vec::new();
    let mut call_text = String::new();
    for call in &calls {
        // Verdicts as stored beside each application (no texts read).
        let apps = store.app_facts(&call.info.id)?;
        let mut all = TierCount::default();
        let mut by_tier: Vec<(&Tier, TierCount)> = call
            .tiers
            .iter()
            .map(|t| (t, TierCount::default()))
            .collect();
        for app in &apps {
            let v = app.verdict;
            all.add(v);
            if let Some((_, c)) = by_tier.iter_mut().find(|(t, _)| t.id == app.tier) {
                c.add(v);
            }
        }
        let prefectures: std::collections::BTreeSet<&str> =
            apps.iter().map(|a| a.prefecture.as_str()).collect();
        let mut tiers_json = Vec::new();
        for (t, c) in &by_tier {
            let mut v = c.json();
            v["tier"] = json!(t.id);
            v["name"] = json!(t.name);
            v["quota"] = json!(t.quota);
            tiers_json.push(v);
        }
        let mut applications = all.json();
        applications["prefectures"] = json!(prefectures.len());
        applications["by_tier"] = json!(tiers_json);
        call_json.push(json!({
            "id": call.info.id,
            "title": call.info.title,
            "doc_number": call.info.doc_number,
            "deadline": call.info.deadline.to_string(),
            "applications": applications,
        }));

        call_text.push_str(&format!(
            "{} {}\n{}: {}  {}: {}\n",
            crate::base::text::sanitize(name_in(lang, &call.info.title, &call.info.title_en)),
            crate::base::text::sanitize(&call.info.doc_number),
            lang.pick("申报截止", "deadline"),
            call.info.deadline,
            lang.pick("申报", "applications"),
            apps.len(),
        ));
        let rows: Vec<Vec<String>> = by_tier
            .iter()
            .map(|(t, c)| {
                vec![
                    t.shown(lang),
                    c.total.to_string(),
                    c.eligible.to_string(),
                    c.directly_included.to_string(),
                    c.ineligible.to_string(),
                    t.quota.to_string(),
                ]
            })
            .collect();
        call_text.push_str(&table(
            lang,
            &[
                col("层级", "tier"),
                num("申报", "applied"),
                num("资格合格", "eligible"),
                num("直接纳入", "direct"),
                num("资格不合格", "ineligible"),
                num("名额", "quota"),
            ],
            &rows,
        ));
        call_text.push('\n');
    }

    let mut rounds_json = Vec::new();
    let mut round_rows = Vec::new();
    for round in &rounds {
        let p = store.progress(round)?;
        let call = calls.iter().find(|c| c.info.id == round.call);
        let apps: BTreeMap<String, crate::store::AppFacts> = store
            .app_facts(&round.call)?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let all_reviews = store.reviews(&round.id)?;
        // Only the reviews the viewer may read (every one for the operator).
        let sight = crate::panel::sight::Sight::of(store, viewer.member(), &round.id)?;
        let readable: Vec<&Review> = all_reviews
            .iter()
            .filter(|r| sight.may_read(&r.application, &r.member, r.status))
            .collect();
        let reviews: Vec<Value> = readable
            .iter()
            .map(|r| {
                let values = r.values();
                let t = call
                    .and_then(|c| c.rubric(&round.rubric))
                    .zip(apps.get(&r.application))
                    .map(|(rubric, app)| total(rubric, &app.tier, &values));
                json!({
                    "member": r.member,
                    "application": r.application,
                    "status": r.status.as_str(),
                    "total": t.map(|t| round2(t.points)),
                    "total_of_100": t.map(|t| round2(t.of_100)),
                    "complete": t.map(|t| t.complete),
                    "scores": r.scores.iter().map(|s| (s.criterion.clone(), json!(s.value))).collect::<serde_json::Map<_, _>>(),
                    "overall_comment": r.overall_comment,
                    "entered_by": r.entered_by,
                })
            })
            .collect();
        rounds_json.push(json!({
            "id": round.id,
            "call": round.call,
            "name": round.name,
            "kind": round.kind.as_str(),
            "state": round.state.as_str(),
            "deadline": round.deadline.to_string(),
            "progress": p,
            "reviews": reviews,
        }));
        round_rows.push(vec![
            round.id.clone(),
            round.shown(lang),
            round.state.label(lang).to_string(),
            round.deadline.to_string(),
            format!("{}/{}", p.submitted, p.assigned - p.recused),
            p.draft.to_string(),
            p.not_started.to_string(),
            p.recused.to_string(),
        ]);
    }

    let reviewers = members
        .iter()
        .filter(|m| m.has_role(Role::Reviewer))
        .count();
    let secretaries = members
        .iter()
        .filter(|m| m.has_role(Role::Secretary))
        .count();
    if as_json {
        return print_json(&json!({
            "engine": store.engine(),
            "schema_version": store.schema_version()?,
            "calls": call_json,
            "rounds": rounds_json,
            "members": {"total": members.len(), "reviewers": reviewers, "secretaries": secretaries},
            "conflicts": counts.conflicts,
            "prior_decisions": {
                "total": prior.len(),
                "selection": prior_selection,
                "assessment": prior.len() - prior_selection,
            },
            "audit_entries": counts.audit_entries,
        }));
    }
    print!("{call_text}");
    if !round_rows.is_empty() {
        print!(
            "{}",
            table(
                lang,
                &[
                    col("轮次", "round"),
                    col("名称", "name"),
                    col("状态", "state"),
                    col("截止", "deadline"),
                    num("已提交", "submitted"),
                    num("草稿", "draft"),
                    num("未开始", "not started"),
                    num("回避", "recused")
                ],
                &round_rows
            )
        );
        println!();
    }
    println!(
        "{}: {} ({} {}, {} {})  {}: {}  {}: {} ({} {}, {} {})  {}: {}",
        lang.pick("评审组成员", "members"),
        members.len(),
        reviewers,
        lang.pick("评审专家", "reviewers"),
        secretaries,
        lang.pick("秘书", "secretaries"),
        lang.pick("申报回避", "declared conflicts"),
        counts.conflicts,
        lang.pick("以往决定", "prior decisions"),
        prior.len(),
        prior_selection,
        lang.pick("遴选", "selection"),
        prior.len() - prior_selection,
        lang.pick("考核", "assessment"),
        lang.pick("审计记录", "audit entries"),
        counts.audit_entries,
    );
    Ok(())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `jury eligibility`: every application's checks against the call.
pub fn eligibility(ctx: &Ctx, tier: Option<&str>, as_json: bool) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (store, _) = ctx.reader()?;
    let mut out_json = Vec::new();
    let mut text = String::new();
    for call in store.calls()? {
        if let Some(t) = tier
            && call.tier(t).is_none()
        {
            let ids: Vec<&str> = call.tiers.iter().map(|t| t.id.as_str()).collect();
            anyhow::bail!(
                "--tier: {} {}{} {t:?}",
                lang.pick("应为", "expected one of"),
                ids.join(lang.pick("、", ", ")),
                lang.pick(" 之一,实际为", ", found")
            );
        }
        for app in store.applications(&call.info.id)? {
            if tier.is_some_and(|t| t != app.tier) {
                continue;
            }
            let result = assess(&call, &app);
            let pref = call
                .prefecture(&app.prefecture)
                .map(|p| name_in(lang, &p.name, &p.name_en))
                .unwrap_or(&app.prefecture);
            let tier_name = call
                .tier(&app.tier)
                .map(|t| name_in(lang, &t.name, &t.name_en))
                .unwrap_or(&app.tier);
            out_json.push(json!({
                "call": call.info.id,
                "application": app.id,
                "name": app.name,
                "tier": app.tier,
                "prefecture": app.prefecture,
                "verdict": result.verdict.as_str(),
                "checks": result.checks,
            }));
            text.push_str(&format!(
                "{}  {}  {}  {}  [{}]\n",
                crate::base::text::sanitize(&app.id),
                crate::base::text::sanitize(&app.name),
                crate::base::text::sanitize(tier_name),
                crate::base::text::sanitize(pref),
                result.verdict.label(lang)
            ));
            for c in &result.checks {
                let mark = if c.passed { "✓" } else { "✗" };
                text.push_str(&format!(
                    "    {mark} {}: {}\n",
                    c.kind.label(lang),
                    crate::base::text::sanitize(c.reason(lang))
                ));
            }
        }
    }
    if as_json {
        return print_json(&json!({ "applications": out_json }));
    }
    print!("{text}");
    Ok(())
}

/// `jury search`: prior decisions as the reader may see them.
pub fn search(ctx: &Ctx, query: &str, limit: usize, as_json: bool) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (store, viewer) = ctx.reader()?;
    let q = crate::panel::search::query::parse(query)
        .map_err(|e| anyhow::anyhow!("{}{e}", lang.pick("查询:", "query: ")))?;
    let finder = crate::panel::search::stored::Finder::open(&store, viewer.member())?;
    let hits = finder.find(&store, &q, limit)?;
    if as_json {
        let list: Vec<Value> = hits
            .iter()
            .map(|h| {
                let mut v = serde_json::to_value(&h.record).expect("serializable");
                v["match_score"] = json!(h.score);
                v
            })
            .collect();
        return print_json(&json!({ "results": list }));
    }
    if hits.is_empty() {
        println!("{}", lang.pick("没有找到。", "Nothing found."));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            let r = &h.record;
            vec![
                r.decided_on.to_string(),
                r.applicant.clone(),
                r.prefecture_name.clone(),
                r.tier.clone(),
                r.round.clone(),
                r.outcome
                    .map(|o| o.label(lang).to_string())
                    .or_else(|| r.grade.clone())
                    .unwrap_or_default(),
                r.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                crate::base::text::truncate(&r.rationale, 50),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            lang,
            &[
                col("日期", "date"),
                col("申报主体", "applicant"),
                col("市州", "city"),
                col("层级", "tier"),
                col("轮次", "round"),
                col("结果", "result"),
                num("得分", "score"),
                col("理由", "rationale")
            ],
            &rows
        )
    );
    Ok(())
}
