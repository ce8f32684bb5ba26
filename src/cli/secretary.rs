//! The secretary's commands: the panel matrix and the proposed list.

use super::access::Viewer;
use crate::base::i18n::Lang;
use crate::base::text::{sanitize, table};
use crate::domain::aggregate::{Method, Reliability};
use crate::domain::*;
use crate::panel::tally::{self, Cell};
use crate::store::Store;
use serde_json::json;

/// The round a secretary works on: the latest not yet finalised, else the latest.
/// The round given on the command line, else the default one.
pub fn round_or_default(store: &Store, round: Option<String>) -> anyhow::Result<String> {
    match round {
        Some(r) => Ok(r),
        None => default_round(store),
    }
}

pub fn default_round(store: &Store) -> anyhow::Result<String> {
    // Called where the language is not passed: in the process's language.
    tally::default_round(store)?.ok_or_else(|| {
        anyhow::anyhow!(crate::base::i18n::say(
            "没有轮次:请先导入通知",
            "no rounds: import a call first",
        ))
    })
}

pub fn names(call: &Call, lang: Lang) -> impl Fn(&str) -> String + '_ {
    move |id: &str| call.name_of(id, lang).unwrap_or_else(|| id.to_string())
}

/// Shapes the matrix and lists to what the viewer may see (see
/// `tally::mask`); the operator of an unlocked panel sees everything.
pub fn mask_for(
    store: &Store,
    viewer: &Viewer,
    m: &mut tally::Matrix,
    lists: &mut [tally::TierList],
) -> anyhow::Result<()> {
    let sight = crate::panel::sight::Sight::of(store, viewer.member(), &m.round.id)?;
    tally::mask(m, lists, &sight);
    Ok(())
}

pub fn matrix(
    store: &Store,
    viewer: &Viewer,
    round: Option<String>,
    method: Method,
    as_json: bool,
    lang: Lang,
) -> anyhow::Result<()> {
    let round = round_or_default(store, round)?;
    let (call, mut m) = tally::matrix(store, &round, method)?;
    mask_for(store, viewer, &mut m, &mut [])?;
    let changes = store.recusal_fact_changes(&m.round.id)?;
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "round": m.round.id,
                "method": method.as_str(),
                "reviewers": m.reviewers.iter().map(|r| &r.id).collect::<Vec<_>>(),
                "rows": m.rows,
                "reviewer_stats": m.reviewer_stats,
                "alpha": m.alpha,
                "reliability": m.alpha.map(Reliability::of_alpha),
                "recusal_changes": changes,
            }))?
        );
        return Ok(());
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
    print!("{}", table(&header_refs, &rows, &right));
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
            &[
                lang.pick("专家", "reviewer"),
                lang.pick("已评", "reviews"),
                lang.pick("平均", "mean"),
                lang.pick("标准差", "SD"),
                lang.pick("偏差", "bias"),
            ],
            &stats,
            &[1, 2, 3, 4],
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

pub fn propose(
    store: &Store,
    viewer: &Viewer,
    round: Option<String>,
    method: Method,
    as_json: bool,
    lang: Lang,
) -> anyhow::Result<()> {
    let round = round_or_default(store, round)?;
    let (call, mut m) = tally::matrix(store, &round, method)?;
    let mut lists = tally::settle(store, &call, &m)?;
    mask_for(store, viewer, &mut m, &mut lists)?;
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "round": m.round.id,
                "method": method.as_str(),
                "tiers": lists,
            }))?
        );
        return Ok(());
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
        if assessment {
            println!("{}  {}", name(&list.tier), list.rules.pilots_summary(lang));
            let rows: Vec<Vec<String>> = list
                .lines
                .iter()
                .map(|l| {
                    let row = m.rows.iter().find(|r| r.app == l.app);
                    vec![
                        l.rank.map(|r| r.to_string()).unwrap_or_default(),
                        app_name(&l.app),
                        place(&l.app)
                            .map(|p| name(&p.prefecture))
                            .unwrap_or_default(),
                        l.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
                        l.grade
                            .as_deref()
                            .map(|g| crate::panel::export::grade_label(&call, &m.round, g, lang))
                            .unwrap_or_default(),
                        row.and_then(|r| r.completion)
                            .map(|c| format!("{:.0}%", c * 100.0))
                            .unwrap_or_default(),
                        l.outcome.label(lang).to_string(),
                        why(l),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &[
                        lang.pick("排名", "rank"),
                        lang.pick("试点", "pilot"),
                        lang.pick("市州", "city"),
                        lang.pick("综合得分", "score"),
                        lang.pick("等次", "grade"),
                        lang.pick("投资完成率", "invested"),
                        lang.pick("结果", "outcome"),
                        lang.pick("说明", "why"),
                    ],
                    &rows,
                    &[0, 3, 5],
                )
            );
            println!();
            continue;
        }
        println!("{}  {}", name(&list.tier), list.rules.summary(lang));
        let rows: Vec<Vec<String>> = list
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.rank.map(|r| r.to_string()).unwrap_or_default(),
                    app_name(&l.app),
                    place(&l.app)
                        .map(|p| name(&p.prefecture))
                        .unwrap_or_default(),
                    place(&l.app).map(|p| name(&p.region)).unwrap_or_default(),
                    l.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
                    l.outcome.label(lang).to_string(),
                    l.basis
                        .map(|b| b.label(lang).to_string())
                        .unwrap_or_default(),
                    why(l),
                ]
            })
            .collect();
        print!(
            "{}",
            table(
                &[
                    lang.pick("排名", "rank"),
                    lang.pick("申报主体", "applicant"),
                    lang.pick("市州", "city"),
                    lang.pick("区域", "region"),
                    lang.pick("综合得分", "score"),
                    lang.pick("结果", "outcome"),
                    lang.pick("入选方式", "basis"),
                    lang.pick("说明", "why"),
                ],
                &rows,
                &[0, 4],
            )
        );
        println!();
    }
    Ok(())
}

/// Finalises a round and says how many decisions it wrote.
pub fn finalise(
    store: &mut Store,
    round: &str,
    method: Method,
    allow_missing: bool,
    actor: &str,
    lang: Lang,
) -> anyhow::Result<()> {
    let n = tally::finalise(store, round, method, allow_missing, actor, lang)?;
    println!(
        "{round}: {} ({n} {})",
        RoundState::Finalised.label(lang),
        lang.pick("项决定", "decisions")
    );
    Ok(())
}
