//! `jury timeline APP`: one applicant's rounds, scores, grades and
//! decisions across the years, its investment against the plan and the
//! decisions of earlier programmes under its name, as `--as` may read them
//! (refused for a member recused from the application).

use super::context::Ctx;
use super::output::{col, num, print_json, table};
use crate::base::i18n::{Lang, name_in};
use crate::base::text::sanitize;
use crate::panel::timeline::Timeline;

pub fn run(ctx: &Ctx, app: &str, as_json: bool) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (store, viewer) = ctx.reader()?;
    let t = crate::panel::timeline::build_in(&store, app, viewer.member(), lang)?;
    if as_json {
        return print_json(&t);
    }
    print!("{}", render(&t, lang));
    Ok(())
}

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".into())
}

/// The timeline as aligned text.
pub fn render(t: &Timeline, lang: Lang) -> String {
    let who = &t.applicant;
    let mut out = format!(
        "{}  {} · {} · {}\n\n",
        sanitize(who.name_in(lang)),
        sanitize(who.tier_in(lang)),
        sanitize(who.prefecture_in(lang)),
        who.id
    );
    let rows: Vec<Vec<String>> = t
        .entries
        .iter()
        .map(|e| {
            let mine = e.mine.as_ref().map(|m| {
                let v = m
                    .total
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| "…".into());
                match m.status {
                    crate::domain::ReviewStatus::Submitted => v,
                    crate::domain::ReviewStatus::Draft => format!("({v})"),
                }
            });
            let panel = e
                .score
                .map(|v| format!("{}{v:.2}", if e.live { "~" } else { "" }));
            let result = match e.outcome {
                Some(o) => o.label(lang).to_string(),
                None if !e.involved => lang.pick("未参评", "not in it").to_string(),
                None => String::new(),
            };
            vec![
                e.when.to_string(),
                name_in(lang, &e.name, &e.name_en).to_string(),
                e.state.label(lang).to_string(),
                if e.involved {
                    or_dash(mine)
                } else {
                    String::new()
                },
                if e.involved {
                    or_dash(panel)
                } else {
                    String::new()
                },
                e.grade_in(lang).unwrap_or_default().to_string(),
                result,
                e.due_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    out.push_str(&table(
        lang,
        &[
            col("年度", "year"),
            col("轮次", "round"),
            col("状态", "state"),
            num("我的评分", "mine"),
            num("综合得分", "panel"),
            col("等次", "grade"),
            col("结果", "result"),
            col("整改期限", "rectify by"),
        ],
        &rows,
    ));
    if t.entries.iter().any(|e| e.live) {
        out.push_str(lang.pick(
            "~ 实时汇总(截尾平均),尚未定案\n",
            "~ live aggregate (trimmed mean), not final\n",
        ));
    }
    let reasons: Vec<String> = t
        .entries
        .iter()
        .filter_map(|e| {
            let r = e.rationale.as_deref().filter(|r| !r.trim().is_empty())?;
            Some(format!(
                "  {} {}{}:{}\n",
                e.when,
                sanitize(name_in(lang, &e.name, &e.name_en)),
                e.decided_on.map(|d| format!(" ({d})")).unwrap_or_default(),
                sanitize(r).replace('\n', " ")
            ))
        })
        .collect();
    if !reasons.is_empty() {
        out.push_str(&format!("\n{}\n", lang.pick("决定理由", "Rationale")));
        out.extend(reasons);
    }
    out.push_str(&format!(
        "\n{}\n",
        lang.pick("投资完成情况(亿元)", "Investment (100 M yuan)")
    ));
    if t.investment.is_empty() {
        out.push_str(lang.pick("无投资计划。\n", "No investment plan.\n"));
    } else {
        let amount = |v: Option<f64>| or_dash(v.map(|v| format!("{v:.2}")));
        let rows: Vec<Vec<String>> = t
            .investment
            .iter()
            .map(|y| {
                vec![
                    y.year.to_string(),
                    amount(y.plan),
                    amount(y.actual),
                    or_dash(y.completion.map(|c| format!("{:.0}%", c * 100.0))),
                ]
            })
            .collect();
        out.push_str(&table(
            lang,
            &[
                col("年度", "year"),
                num("计划", "plan"),
                num("实际", "actual"),
                num("完成率", "done"),
            ],
            &rows,
        ));
    }
    out.push_str(&format!(
        "\n{}\n",
        lang.pick("以往计划中的决定(同名)", "Earlier programmes (same name)")
    ));
    if t.prior.is_empty() {
        out.push_str(lang.pick("无。\n", "None.\n"));
    } else {
        let rows: Vec<Vec<String>> = t
            .prior
            .iter()
            .map(|p| {
                vec![
                    p.year.to_string(),
                    p.programme.clone(),
                    p.round.clone(),
                    p.outcome
                        .map(|o| o.label(lang).to_string())
                        .or_else(|| p.grade.clone())
                        .unwrap_or_default(),
                    p.score.map(|v| format!("{v:.1}")).unwrap_or_default(),
                ]
            })
            .collect();
        out.push_str(&table(
            lang,
            &[
                col("年份", "year"),
                col("计划", "programme"),
                col("轮次", "round"),
                col("结果", "result"),
                num("得分", "score"),
            ],
            &rows,
        ));
    }
    out
}
