//! Who reads what, over every surface a member can reach from the command
//! line, for the four kinds of reader the rules distinguish: a reviewer who
//! has submitted nothing (m06), a reviewer recused from some applications
//! with part of their reviews in (m05), a reviewer who is also the
//! secretary (m07), and a secretary recused from some applications (m01).
//!
//! Every criterion and overall comment in the database is made unique (a
//! canary naming its review); a surface that shows a reader any canary of
//! a review the rules hide from them fails. What the rules hide is worked
//! out here from the operator's view, not from jury's own rule code.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const CHANGSHA: [&str; 3] = ["county-liuyang", "county-ningxiang", "town-liuyang-dayao"];

struct Panel {
    reviewers: Vec<String>,
    /// (member, app) → cell state in the operator's matrix.
    cells: BTreeMap<(String, String), String>,
    apps: Vec<String>,
}

fn panel(db: &Path) -> Panel {
    let m = json(&jury(db, &["matrix", "--json"]));
    let reviewers: Vec<String> = m["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let mut cells = BTreeMap::new();
    let mut apps = Vec::new();
    for row in m["rows"].as_array().unwrap() {
        let app = row["app"].as_str().unwrap().to_string();
        for (i, c) in row["cells"].as_array().unwrap().iter().enumerate() {
            cells.insert(
                (reviewers[i].clone(), app.clone()),
                c["state"].as_str().unwrap().to_string(),
            );
        }
        apps.push(app);
    }
    Panel {
        reviewers,
        cells,
        apps,
    }
}

impl Panel {
    fn state(&self, member: &str, app: &str) -> &str {
        self.cells
            .get(&(member.to_string(), app.to_string()))
            .map(String::as_str)
            .unwrap_or("not_assigned")
    }
    fn recused(&self, member: &str, app: &str) -> bool {
        (member == "m01" && CHANGSHA.contains(&app)) || self.state(member, app) == "recused"
    }
    /// Whether `reader` may read `author`'s review (in `state`) of `app`,
    /// by the README's rules (reviews_visible = after_own_submission).
    fn may_read(&self, reader: &str, author: &str, app: &str) -> bool {
        if self.recused(reader, app) {
            return false;
        }
        if reader == author {
            return true;
        }
        let reviews_it = self.state(reader, app) != "not_assigned";
        let secretary = reader == "m01" || reader == "m07";
        if secretary && !reviews_it {
            return true;
        }
        reviews_it
            && self.state(reader, app) == "submitted"
            && self.state(author, app) == "submitted"
    }
}

fn canary(member: &str, app: &str, what: &str) -> String {
    format!("CANARY{member}{app}{what}").replace('-', "_")
}

/// Every output a reader can get at the command line.
fn surfaces(db: &Path, dir: &Path, reader: &str, p: &Panel) -> Vec<(String, String)> {
    let run = |args: &[&str]| -> String {
        let mut a = vec!["--as", reader];
        a.extend_from_slice(args);
        let o = jury(db, &a);
        format!("{}{}", stdout(&o), stderr(&o))
    };
    let mut out = vec![
        ("status".to_string(), run(&["status", "--json"])),
        ("matrix".to_string(), run(&["matrix", "--json"])),
        ("propose".to_string(), run(&["propose", "--json"])),
        ("members".to_string(), run(&["members", "--json"])),
        ("verify".to_string(), run(&["verify", "--json"])),
        (
            "search".to_string(),
            run(&["search", "县", "--json", "--limit", "500"]),
        ),
    ];
    for app in &p.apps {
        out.push((format!("timeline {app}"), run(&["timeline", app, "--json"])));
    }
    let mut files = Vec::new();
    for fmt in ["csv", "json", "md"] {
        files.push((
            format!("export {fmt}"),
            dir.join(format!("{reader}-list.{fmt}")),
            None,
        ));
    }
    for author in &p.reviewers {
        files.push((
            format!("score sheet of {author}"),
            dir.join(format!("{reader}-{author}.csv")),
            Some(author.as_str()),
        ));
    }
    for (label, file, author) in files {
        let f = file.to_str().unwrap();
        let said = match author {
            None => run(&["export", "--out", f]),
            Some(a) => run(&["export", "--score-sheet", "--member", a, "--out", f]),
        };
        let written = std::fs::read_to_string(&file).unwrap_or_default();
        out.push((label, format!("{said}{written}")));
    }
    out
}

/// The (member, application) pairs a query gives, on either engine, as
/// the database's administrator.
fn pairs(db: &Path, sql: &str) -> Vec<(String, String)> {
    match db.to_str().filter(|u| u.starts_with("postgres")) {
        Some(url) => ::postgres::Client::connect(url, ::postgres::NoTls)
            .unwrap()
            .query(sql, &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
        None => rusqlite::Connection::open(db)
            .unwrap()
            .prepare(sql)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect(),
    }
}

on_both_engines!(
    no_surface_shows_a_reader_a_review_the_rules_hide,
    a_hidden_score_moves_no_figure_the_reader_sees,
);

fn no_surface_shows_a_reader_a_review_the_rules_hide(engine: Engine) {
    let Some(dir) = place(engine) else {
        return;
    };
    let db = dir.db.clone();
    assert!(
        jury(&db, &["demo", "--stage", "selection"])
            .status
            .success()
    );
    // Every comment made a canary naming its review (behind jury's back:
    // `verify` will fail, which is no matter here).
    sql_batch(
        &db,
        "UPDATE scores SET comment = 'CANARY' || member_id || application_id || criterion_id;
         UPDATE reviews SET overall_comment = 'CANARY' || member_id || application_id || 'overall';
         UPDATE scores SET comment = replace(comment, '-', '_');
         UPDATE reviews SET overall_comment = replace(overall_comment, '-', '_');",
    );
    let reviews = pairs(&db, "SELECT member_id, application_id FROM reviews");
    let p = panel(&db);
    let mut checked = 0;
    for reader in ["m06", "m05", "m07", "m01"] {
        let outputs = surfaces(&db, dir.path(), reader, &p);
        let mut hidden = BTreeSet::new();
        let mut readable = BTreeSet::new();
        for (author, app) in &reviews {
            let c = canary(author, app, "overall");
            if p.may_read(reader, author, app) {
                readable.insert(c);
            } else {
                hidden.insert(c);
            }
        }
        assert!(!hidden.is_empty(), "{reader} may not read some review");
        for (surface, text) in &outputs {
            for c in &hidden {
                assert!(
                    !text.contains(c.as_str()),
                    "{reader} reads {c} in {surface}"
                );
                // And no criterion comment of that review either.
                let stem = c.trim_end_matches("overall");
                assert!(
                    !text.contains(stem),
                    "{reader} reads a comment of {stem} in {surface}"
                );
            }
        }
        // The canaries do come out where the rules allow: the check can fail.
        let all: String = outputs.iter().map(|(_, t)| t.as_str()).collect();
        let shown = readable.iter().filter(|c| all.contains(c.as_str())).count();
        assert!(
            readable.is_empty() || shown > 0,
            "{reader} reads none of their readable reviews"
        );
        checked += hidden.len();
    }
    assert!(checked > 100);
}

/// The outputs with what legitimately differs between two copies taken
/// out: hashes (the audit head moves as each copy logs its own exports)
/// and `verify`, which is there to report the edit.
fn steady(outputs: Vec<(String, String)>, dir: &Path) -> Vec<(String, String)> {
    let dir = dir.display().to_string();
    outputs
        .into_iter()
        .filter(|(label, _)| label != "verify")
        .map(|(label, text)| {
            let text = text.replace(&dir, "<out>");
            let mut out = String::new();
            let mut run = 0;
            for c in text.chars() {
                if c.is_ascii_hexdigit() {
                    run += 1;
                } else {
                    run = 0;
                }
                out.push(c);
                if run == 64 {
                    out.truncate(out.len() - 64);
                    out.push_str("<hash>");
                    run = 0;
                }
            }
            (label, out)
        })
        .collect()
}

/// Every figure a reader sees is computed from what they may read: a
/// hidden score changed behind jury's back moves nothing they see, on any
/// surface, under any aggregation method (finding H2 and its kin).
fn a_hidden_score_moves_no_figure_the_reader_sees(engine: Engine) {
    // (reader, demo stage, a submitted review hidden from them: member, app)
    let cases = [
        ("m01", true, "m02", "county-ningxiang"),
        ("m05", true, "m02", "county-miluo"),
        ("m07", false, "m02", "cluster-changlijin"),
        ("m06", false, "m02", "cluster-changlijin"),
    ];
    for (reader, complete, author, app) in cases {
        let Some(dir) = place(engine) else {
            return;
        };
        let db = dir.db.clone();
        let mut args = vec!["demo", "--stage", "selection"];
        if complete {
            args.push("--complete");
        }
        assert!(jury(&db, &args).status.success());
        // The copy to edit: a backup file; on a server, a second database
        // the panel is copied into (a server's backup is a SQLite file).
        let (b, _server_b) = match engine {
            Engine::Sqlite => {
                let b = dir.path().join("b.db");
                let o = jury(&db, &["backup", b.to_str().unwrap()]);
                assert!(o.status.success(), "{}", stderr(&o));
                (b, None)
            }
            Engine::Postgres => {
                let to = place(engine).expect("the server answered a moment ago");
                let o = jury(
                    &db,
                    &["copy", db.to_str().unwrap(), to.db.to_str().unwrap()],
                );
                assert!(o.status.success(), "{}", stderr(&o));
                (to.db.clone(), Some(to))
            }
        };
        let p = panel(&db);
        assert!(
            !p.may_read(reader, author, app) && p.state(author, app) == "submitted",
            "{reader} must not read {author}'s submitted review of {app}"
        );
        let n = sql_execute(
            &b,
            &format!(
                "UPDATE scores SET value = value - 3 WHERE member_id = '{author}'
                 AND application_id = '{app}' AND value >= 3"
            ),
        );
        assert!(n > 0);
        let dir_a = dir.path().join("out-a");
        let dir_b = dir.path().join("out-b");
        std::fs::create_dir_all(&dir_a).unwrap();
        std::fs::create_dir_all(&dir_b).unwrap();
        let mut seen_a = steady(surfaces(&db, &dir_a, reader, &p), &dir_a);
        let mut seen_b = steady(surfaces(&b, &dir_b, reader, &p), &dir_b);
        for method in ["mean", "median", "z_score"] {
            for (db_, seen) in [(&db, &mut seen_a), (&b, &mut seen_b)] {
                for cmd in ["matrix", "propose"] {
                    let o = jury(db_, &["--as", reader, cmd, "--method", method, "--json"]);
                    seen.push((
                        format!("{cmd} {method}"),
                        format!("{}{}", stdout(&o), stderr(&o)),
                    ));
                }
            }
        }
        for ((label, a), (_, b)) in seen_a.iter().zip(&seen_b) {
            let first = a
                .lines()
                .zip(b.lines())
                .find(|(x, y)| x != y)
                .map(|(x, y)| format!("{x}\n  vs\n{y}"))
                .unwrap_or_default();
            assert!(
                a == b,
                "{reader}: {label} moved with {author}'s hidden score of {app}:\n{first}"
            );
        }
        // The operator's figures do move: the comparison can fail.
        let op = |d: &Path| stdout(&jury(d, &["matrix", "--method", "z_score", "--json"]));
        assert_ne!(op(&db), op(&b));
    }
}
