//! The secretary's reports: the panel matrix and the proposed list.

use super::context::Ctx;
use super::output::{Col, col, num, print_json, table};
use crate::base::i18n::Lang;
use crate::base::text::sanitize;
use crate::domain::aggregate::{Method, Reliability};
use crate::domain::*;
use crate::panel::tally::{self, Cell};
use serde_json::json;

pub fn names(call: &Call, lang: Lang) -> impl Fn(&str) -> String + '_ {
    move |id: &str| call.name_of(id, lang).unwrap_or_else(|| id.to_string())
}

/// `jury matrix`: applications × reviewers, with aggregates, ranks and
/// the reviewers' calibration, as the reader may see them.
pub fn matrix(
    ctx: &Ctx,
    round: Option<String>,
    method: Method,
    as_json: bool,
) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (store, viewer, round) = ctx.secretary_round("matrix", round)?;
    let (call, m) = tally::seen_matrix(&store, viewer.member(), &round, method)?;
    let changes = store.recusal_fact_changes(&m.round.id)?;
    if as_json {
        return print_json(&json!({
                "round": m.round.id,
                "method": method.as_str(),
                "reviewers": m.reviewers.iter().map(|r| &r.id).collect::<Vec<_>>(),
                "rows": m.rows,
                "reviewer_stats": m.reviewer_stats,
                "alpha": m.alpha,
                "reliability": m.alpha.map(Reliability::of_alpha),
            "recusal_changes": changes,
        }));
    }
    print_recusal_changes(&changes, lang);
    let name = names(&call, lang);
    let mut header: Vec<String> = vec![
        lang.pick("申报主体", "applicant").into(),
        lang.pick("层级", "tier").into(),
    ];
    header.extend(m.reviewers.iter().map(|r| r.id.clone()));
    let assessment = m.round.kind == RoundKind::Assessment;
    if assessment {
        header.push(lang.pick("投资完成率", "invested").to_string());
    }
    header.extend([
        lang.pick("综合", "aggregate").to_string(),
        lang.pick("排名", "rank").to_string(),
        lang.pick("标准化排名", "z rank").to_string(),
        lang.pick("极差", "range").to_string(),
        lang.pick("分歧", "dispute").to_string(),
    ]);
    let rows: Vec<Vec<String>> = m
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![sanitize(&r.name), name(&r.tier)];
            cells.extend(r.cells.iter().zip(&m.reviewers).map(|(c, reviewer)| {
                // ⟲: sent back to the reviewer (an open revisit request).
                let sent_back = if r.revisits.contains(&reviewer.id) {
                    "⟲"
                } else {
                    ""
                };
                let text = match c {
                    Cell::NotAssigned => String::new(),
                    Cell::Recused => lang.pick("回避", "recused").into(),
                    Cell::Masked => "·".into(),
                    Cell::Missing => "—".into(),
                    Cell::Draft(t) => t
                        .map(|t| format!("({t:.1})"))
                        .unwrap_or_else(|| "(…)".into()),
                    Cell::Submitted(t) => format!("{t:.1}"),
                };
                format!("{text}{sent_back}")
            }));
            if assessment {
                cells.push(
                    r.completion
                        .map(|c| format!("{:.0}%", c * 100.0))
                        .unwrap_or_default(),
                );
            }
            let agg = r.aggregate.as_ref();
            cells.push(
                agg.map(|a| format!("{:.2}{}", a.value, if a.fell_back { "*" } else { "" }))
                    .unwrap_or_default(),
            );
            cells.push(r.rank.map(|x| x.to_string()).unwrap_or_default());
            cells.push(r.adjusted_rank.map(|x| x.to_string()).unwrap_or_default());
            cells.push(
                agg.and_then(|a| a.range)
                    .map(|x| format!("{x:.1}"))
                    .unwrap_or_default(),
            );
            cells.push(if r.disputed {
                lang.pick("需讨论", "discuss").into()
            } else {
                String::new()
            });
            cells
        })
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let right: Vec<usize> = (2..header.len() - 1).collect();
    println!("{} · {}", sanitize(&m.round.name), method.label(lang));
    print!("{}", crate::base::text::table(&header_refs, &rows, &right));
    // Both trimming methods fall back to the mean under 5 reviews.
    if matches!(method, Method::TrimmedMean | Method::ZScore) {
        println!(
            "{}",
            lang.pick(
                "* 评审不足 5 份,改用算术平均。",
                "* fewer than 5 reviews: the mean is used instead."
            )
        );
    }
    println!();
    let stats: Vec<Vec<String>> = m
        .reviewer_stats
        .iter()
        .map(|s| {
            vec![
                s.reviewer.clone(),
                s.count.to_string(),
                format!("{:.1}", s.mean),
                s.sd.map(|x| format!("{x:.1}")).unwrap_or_default(),
                s.bias.map(|x| format!("{x:+.1}")).unwrap_or_default(),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            lang,
            &[
                col("专家", "reviewer"),
                num("已评", "reviews"),
                num("平均", "mean"),
                num("标准差", "SD"),
                num("偏差", "bias")
            ],
            &stats
        )
    );
    match m.alpha {
        Some(a) => println!(
            "Krippendorff α = {a:.3}  {}",
            Reliability::of_alpha(a).label(lang)
        ),
        None => println!(
            "Krippendorff α: {}",
            lang.pick("数据不足", "not enough data")
        ),
    }
    Ok(())
}

/// Recusal facts changed after scoring began: who may read and score what
/// moved under the panel, so the secretary is told first.
fn print_recusal_changes(changes: &[crate::store::RecusalFactChange], lang: Lang) {
    if changes.is_empty() {
        return;
    }
    println!(
        "{} {}",
        lang.pick(
            "注意:评分开始后回避事实有变更(均已记入审计链):",
            "Note: recusal facts changed after scoring began (all in the audit log):"
        ),
        changes.len()
    );
    for c in changes {
        println!(
            "  #{} {} {} {} {}: {}",
            c.entry,
            c.at,
            c.actor,
            c.entity,
            sanitize(&c.key),
            sanitize(&c.what)
        );
    }
    println!();
}

/// `jury propose`: the list as it stands per tier, with how each line got
/// its place, as the reader may see it.
pub fn propose(
    ctx: &Ctx,
    round: Option<String>,
    method: Method,
    as_json: bool,
) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let (store, viewer, round) = ctx.secretary_round("propose", round)?;
    let tally::Seen {
        call,
        matrix: m,
        lists,
        ..
    } = tally::seen(&store, viewer.member(), &round, method)?;
    if as_json {
        return print_json(&json!({
            "round": m.round.id,
            "method": method.as_str(),
            "tiers": lists,
        }));
    }
    let name = names(&call, lang);
    let app_name = |id: &str| m.app_name(id);
    let describe = |id: &str| m.label(&call, id, lang);
    let assessment = m.round.kind == RoundKind::Assessment;
    let sep = lang.pick(";", "; ");
    for list in &lists {
        if list.withheld {
            println!("{}", name(&list.tier));
            println!("{}\n", tally::TierList::withheld_note(lang));
            continue;
        }
        let place = |id: &str| m.apps.get(id);
        let why = |l: &crate::domain::selection::Line| {
            l.reasons
                .iter()
                .map(|r| r.describe(lang, &describe))
                .collect::<Vec<_>>()
                .join(sep)
        };
        let (summary, cols) = if assessment {
            (list.rules.pilots_summary(lang), &PILOT_COLUMNS)
        } else {
            (list.rules.summary(lang), &LIST_COLUMNS)
        };
        println!("{}  {summary}", name(&list.tier));
        let rows: Vec<Vec<String>> = list
            .lines
            .iter()
            .map(|l| {
                let score = l.score.map(|s| format!("{s:.2}")).unwrap_or_default();
                let mut cells = vec![
                    l.rank.map(|r| r.to_string()).unwrap_or_default(),
                    app_name(&l.app),
                    place(&l.app)
                        .map(|p| name(&p.prefecture))
                        .unwrap_or_default(),
                ];
                if assessment {
                    let row = m.rows.iter().find(|r| r.app == l.app);
                    cells.extend([
                        score,
                        l.grade
                            .as_deref()
                            .map(|g| crate::panel::export::grade_label(&call, &m.round, g, lang))
                            .unwrap_or_default(),
                        row.and_then(|r| r.completion)
                            .map(|c| format!("{:.0}%", c * 100.0))
                            .unwrap_or_default(),
                        l.outcome.label(lang).to_string(),
                    ]);
                } else {
                    cells.extend([
                        place(&l.app).map(|p| name(&p.region)).unwrap_or_default(),
                        score,
                        l.outcome.label(lang).to_string(),
                        l.basis
                            .map(|b| b.label(lang).to_string())
                            .unwrap_or_default(),
                    ]);
                }
                cells.push(why(l));
                cells
            })
            .collect();
        print!("{}", table(lang, cols, &rows));
        println!();
    }
    Ok(())
}

/// The columns of an assessment round's list.
const PILOT_COLUMNS: [Col; 8] = [
    num("排名", "rank"),
    col("试点", "pilot"),
    col("市州", "city"),
    num("综合得分", "score"),
    col("等次", "grade"),
    num("投资完成率", "invested"),
    col("结果", "outcome"),
    col("说明", "why"),
];

/// The columns of a selection round's list.
const LIST_COLUMNS: [Col; 8] = [
    num("排名", "rank"),
    col("申报主体", "applicant"),
    col("市州", "city"),
    col("区域", "region"),
    num("综合得分", "score"),
    col("结果", "outcome"),
    col("入选方式", "basis"),
    col("说明", "why"),
];
