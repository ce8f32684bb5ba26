//! The bundled sample data (the Hunan 2016 call), embedded in the binary so
//! that `jury demo` works from any directory.

use include_dir::{Dir, include_dir};

static SAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/sample-data");

/// Every sample file as (path relative to sample-data, bytes), sorted by path.
pub fn files() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    collect(&SAMPLE, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for file in dir.files() {
        out.push((
            format!("sample-data/{}", file.path().display()),
            file.contents(),
        ));
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

/// Fills every assigned, unrecused review that is not submitted, and submits
/// it: each criterion gets the mean of the other reviewers' submitted values
/// for it (or 75% of its maximum when there are none), moved by a small
/// deterministic offset per reviewer and application, on the half-point
/// grid. For demonstrations and benchmarks only; returns how many reviews
/// were filled.
pub fn complete_reviews(store: &mut crate::store::Store, actor: &str) -> anyhow::Result<usize> {
    use crate::domain::{ReviewSheet, ReviewStatus, Score};
    use std::collections::BTreeMap;
    let mut sheets = Vec::new();
    for round in store.rounds()? {
        if !round.state.accepts_scores() {
            continue;
        }
        let Some(call) = store.call(&round.call)? else {
            continue;
        };
        let Some(rubric) = call.rubric(&round.rubric) else {
            continue;
        };
        let reviews = store.reviews(&round.id)?;
        let members: BTreeMap<String, crate::domain::Member> = store
            .members()?
            .into_iter()
            .map(|m| (m.id.clone(), m))
            .collect();
        for a in store.assignments(&round.id)? {
            let (Some(member), Some(app)) =
                (members.get(&a.member), store.application(&a.application)?)
            else {
                continue;
            };
            if store.recusal(member, &app)?.is_some() {
                continue;
            }
            let mine = reviews
                .iter()
                .find(|r| r.member == a.member && r.application == a.application);
            if mine.is_some_and(|r| r.status == ReviewStatus::Submitted) {
                continue;
            }
            let seed = a
                .member
                .bytes()
                .chain(a.application.bytes())
                .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
            let scores = rubric
                .criteria_for(&app.tier)
                .enumerate()
                .map(|(i, c)| {
                    let others: Vec<f64> = reviews
                        .iter()
                        .filter(|r| r.application == app.id && r.status == ReviewStatus::Submitted)
                        .filter_map(|r| {
                            r.scores
                                .iter()
                                .find(|s| s.criterion == c.id)
                                .and_then(|s| s.value)
                        })
                        .collect();
                    let base = crate::domain::aggregate::mean(&others).unwrap_or(c.max * 0.75);
                    let offset = ((seed.rotate_left(i as u32 * 5) % 7) as f64 - 3.0) * c.max / 40.0;
                    let v = ((base + offset).clamp(0.0, c.max) * 2.0).round() / 2.0;
                    Score {
                        criterion: c.id.clone(),
                        value: Some(v),
                        comment: String::new(),
                    }
                })
                .collect();
            sheets.push(ReviewSheet {
                round: round.id.clone(),
                member: a.member.clone(),
                application: a.application.clone(),
                status: Some(ReviewStatus::Submitted),
                overall_comment: None,
                scores,
            });
        }
    }
    let n = sheets.len();
    store.write(actor, true, |w| {
        for s in &sheets {
            w.put_review(s)?;
        }
        Ok(())
    })?;
    Ok(n)
}
