//! How each cost grows with the data, on both engines: every figure at
//! 1,000, 10,000, 100,000 and 1,000,000 prior decisions, and at 100, 1,000
//! and 10,000 applications in one reviewer's queue, with its ratio to the
//! smallest size. A cost that grows with the data where it need not is a
//! defect (issue 14).
//!
//!     cargo bench --bench growth
//!     JURY_TEST_PG=postgres://postgres@127.0.0.1/postgres cargo bench --bench growth
//!     JURY_BENCH_DECISIONS=1000,10000 JURY_BENCH_APPLICATIONS=100 cargo bench --bench growth
//!
//! Decisions: `gen-data` (setup), the search index's cold start in the
//! process, a query typed one keystroke at a time (p50, p95), `jury search
//! 怀化 flag:口子镇 --json` as a whole process (median, peak memory), and
//! `fzf --filter 怀化` over the same records as lines when fzf is installed.
//! Applications: sign-in as m06, then p99 of queue navigation, the tier
//! filter and score entry (each a key, its write, a full frame); the real
//! binary to its first frame of the queue in a pseudo-terminal; the
//! secretary's matrix and list, and that list exported as XLSX.

mod common;
use common::*;
use jury::base::text::pad;
use jury::panel::search::{query, stored::Finder};
use jury::store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// A query typed letter by letter, as a panelist does.
const TYPED: &[&str] = &["怀化 flag:口子镇", "huaihua", "长沙 dec:selected", "cs"];

fn sizes(var: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(var)
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// One measure across the sizes: its values, printed with their ratio to
/// the first.
struct Series {
    name: &'static str,
    unit: &'static str,
    values: Vec<Option<f64>>,
}

fn print_table(engine: &str, what: &str, sizes: &[usize], rows: &[Series]) {
    println!("\n{engine}: {what}");
    print!("{:<44}", "");
    for n in sizes {
        print!("{:>22}", n);
    }
    println!();
    for s in rows {
        // By display width: the names hold Chinese.
        print!("{}", pad(&format!("{} ({})", s.name, s.unit), 44));
        let first = s.values.first().copied().flatten();
        for v in &s.values {
            let cell = match (v, first) {
                (Some(v), Some(f)) if f > 0.0 => format!("{v:.2} (×{:.1})", v / f),
                (Some(v), _) => format!("{v:.2}"),
                (None, _) => "—".into(),
            };
            print!("{cell:>22}");
        }
        println!();
    }
}

fn main() {
    let decisions = sizes("JURY_BENCH_DECISIONS", &[1_000, 10_000, 100_000, 1_000_000]);
    let applications = sizes("JURY_BENCH_APPLICATIONS", &[100, 1_000, 10_000]);
    let fzf = Command::new("fzf").arg("--version").output().is_ok();
    if !fzf {
        println!("fzf is not installed (apt-get install fzf): its column stays empty");
    }
    let mut server = Server::from_env();
    if server.is_none() {
        println!("PostgreSQL skipped: set JURY_TEST_PG to a URL that may create databases");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut places = vec![Place::File(dir.path())];
    if let Some(s) = server.as_mut() {
        places.push(Place::Server(s));
    }
    for place in &mut places {
        let engine = place.engine();
        let mut new_db = |tag: &str| place.database(tag);
        decisions_table(engine, &decisions, &mut new_db, dir.path(), fzf);
        applications_table(engine, &applications, &mut new_db);
    }
}

/// Where the databases of an engine are made.
enum Place<'a> {
    File(&'a Path),
    Server(&'a mut Server),
}

impl Place<'_> {
    fn engine(&self) -> &'static str {
        match self {
            Place::File(_) => "SQLite",
            Place::Server(_) => "PostgreSQL",
        }
    }

    fn database(&mut self, tag: &str) -> PathBuf {
        match self {
            Place::File(dir) => dir.join(format!("{tag}.db")),
            Place::Server(s) => s.database(tag).1,
        }
    }
}

fn decisions_table(
    engine: &str,
    sizes: &[usize],
    new_db: &mut dyn FnMut(&str) -> PathBuf,
    scratch: &Path,
    fzf: bool,
) {
    let names = [
        ("gen-data", "s"),
        ("search ready (opened)", "ms"),
        ("per keystroke p50", "ms"),
        ("per keystroke p95", "ms"),
        ("jury search 怀化 flag:口子镇 --json", "ms"),
        ("  its peak memory", "MB"),
        ("fzf --filter 怀化", "ms"),
        ("  its peak memory", "MB"),
    ];
    let mut rows: Vec<Series> = names
        .iter()
        .map(|(name, unit)| Series {
            name,
            unit,
            values: Vec::new(),
        })
        .collect();
    for &n in sizes {
        let db = new_db(&format!("d{n}"));
        let mut store = Store::open(&db).unwrap();
        jury::panel::sample::load(&mut store, "bench").unwrap();
        let t = Instant::now();
        jury::panel::gendata::generate(&mut store, 0, n, 2016).unwrap();
        rows[0].values.push(Some(t.elapsed().as_secs_f64()));
        // Searched as a member would: in a process of their own, opened after.
        drop(store);
        let store = Store::open(&db).unwrap();
        // Fewer runs where one takes seconds.
        let runs = if n >= 1_000_000 { 1 } else { 3 };
        let mut finder = None;
        let load = median_ms(3, || finder = Some(Finder::open(&store, None).unwrap()));
        rows[1].values.push(Some(load));
        let finder = finder.unwrap();
        let mut typed = Vec::new();
        for q in TYPED {
            let chars: Vec<char> = q.chars().collect();
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                let t = Instant::now();
                let found =
                    query::parse(&prefix).map(|q| finder.find(&store, &q, 50).unwrap().len());
                std::hint::black_box(found.ok());
                typed.push(t.elapsed());
            }
        }
        typed.sort();
        rows[2].values.push(Some(pct(&typed, 0.5)));
        rows[3].values.push(Some(pct(&typed, 0.95)));
        drop(finder);
        let args = ["search", "怀化", "flag:口子镇", "--json"];
        rows[4]
            .values
            .push(Some(median_ms(runs.max(3), || jury_process(&db, &args))));
        let db_text = db.to_str().unwrap().to_string();
        let mut full = vec!["--db", &db_text];
        full.extend(args);
        rows[5]
            .values
            .push(peak_mb(env!("CARGO_BIN_EXE_jury"), &full, None));
        if fzf {
            let lines = scratch.join(format!("lines-{n}.txt"));
            write_lines(&store, &lines);
            let run = || fzf_filter(&lines, "怀化");
            rows[6].values.push(Some(median_ms(3, || {
                std::hint::black_box(run());
            })));
            rows[7]
                .values
                .push(peak_mb("fzf", &["--filter", "怀化"], Some(&lines)));
        } else {
            rows[6].values.push(None);
            rows[7].values.push(None);
        }
    }
    print_table(engine, "prior decisions", sizes, &rows);
}

fn applications_table(engine: &str, sizes: &[usize], new_db: &mut dyn FnMut(&str) -> PathBuf) {
    let mut rows = vec![
        Series {
            name: "sign-in as m06 (its queue loaded)",
            unit: "ms",
            values: Vec::new(),
        },
        Series {
            name: "queue navigation p99",
            unit: "ms",
            values: Vec::new(),
        },
        Series {
            name: "queue filter by tier p99",
            unit: "ms",
            values: Vec::new(),
        },
        Series {
            name: "score entry p99 (with its write)",
            unit: "ms",
            values: Vec::new(),
        },
        Series {
            name: "jury --as m06 to its first frame",
            unit: "ms",
            values: Vec::new(),
        },
        Series {
            name: "the secretary's matrix and list",
            unit: "ms",
            values: Vec::new(),
        },
        Series {
            name: "XLSX export of the list",
            unit: "ms",
            values: Vec::new(),
        },
    ];
    for &n in sizes {
        let db = new_db(&format!("a{n}"));
        let mut store = Store::open(&db).unwrap();
        with_applications(&mut store, n);
        // The list first: the queue's measure writes scores.
        let method = jury::domain::aggregate::Method::TrimmedMean;
        let mut seen = None;
        rows[5].values.push(Some(median_ms(3, || {
            seen = Some(jury::panel::tally::seen(&store, None, "sel-2016", method).unwrap());
        })));
        let seen = seen.unwrap();
        let lines: usize = seen.lists.iter().map(|l| l.lines.len()).sum();
        assert!(lines > n, "{lines} lines");
        rows[6].values.push(Some(median_ms(3, || {
            let bytes = jury::panel::export::list_file(
                &seen.call,
                &seen.matrix,
                &seen.lists,
                false,
                jury::panel::export::Format::Xlsx,
                None,
                jury::base::i18n::Lang::Zh,
            )
            .unwrap();
            std::hint::black_box(bytes.len());
        })));
        let frame = median_ms(3, || {
            std::hint::black_box(first_frame(&db, &["--as", "m06"], "Applicant"));
        });
        let c = QueueCosts::measure(store, 0.3);
        assert!(c.rows > n);
        rows[0].values.push(Some(c.sign_in.as_secs_f64() * 1000.0));
        rows[1].values.push(Some(pct(&c.navigation, 0.99)));
        rows[2].values.push(Some(pct(&c.filter, 0.99)));
        rows[3].values.push(Some(pct(&c.entry, 0.99)));
        rows[4].values.push(Some(frame));
    }
    print_table(engine, "applications in the queue", sizes, &rows);
}

/// The decisions as fzf would be given them: one line each.
fn write_lines(store: &Store, path: &Path) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for p in store.prior_decisions().unwrap() {
        writeln!(
            f,
            "{} {} {} {} {} {} {}",
            p.applicant,
            p.prefecture,
            p.tier,
            p.round,
            p.score.unwrap_or(0.0),
            p.programme,
            p.rationale
        )
        .unwrap();
    }
}

fn fzf_filter(lines: &Path, q: &str) -> usize {
    let out = Command::new("fzf")
        .args(["--filter", q])
        .stdin(std::fs::File::open(lines).unwrap())
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    out.stdout.len()
}
