//! Search at scale: 100,000 prior decisions (jury gen-data), queries typed
//! one keystroke at a time, against `fzf --filter` on the same records
//! written as lines.
//!
//!     cargo bench --bench search
//!     JURY_TEST_PG=postgres://postgres@127.0.0.1/postgres cargo bench --bench search
//!
//! Prints the time until search is ready, per-keystroke search
//! times (median, p95), the same for fzf when it is installed, and the ratio.
//! Then, on each engine (PostgreSQL when `JURY_TEST_PG` names a server),
//! at 10,000 and 100,000 decisions: the index's cold start and `jury search`
//! as a whole process; and an import of the sample into an empty database.

mod common;
use common::*;
use jury::panel::search::{query, stored::Finder};
use jury::store::Store;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DECISIONS: usize = 100_000;
const QUERIES: &[&str] = &[
    "huaihua",
    "changsha",
    "长沙 dec:selected",
    "边界口岸",
    "cs",
    "湘西 tier:镇",
    "grade:不合格 year:2018",
];

fn keystrokes(q: &str) -> Vec<String> {
    let chars: Vec<char> = q.chars().collect();
    (1..=chars.len())
        .map(|n| chars[..n].iter().collect())
        .collect()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let mut store = Store::open(&db).unwrap();
    jury::panel::sample::load(&mut store, "bench").unwrap();
    let t = Instant::now();
    jury::panel::gendata::generate(&mut store, 0, DECISIONS, 2016).unwrap();
    println!(
        "setup: {DECISIONS} decisions in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // Searched as a member would: in a process of their own, opened after.
    drop(store);
    let store = Store::open(&db).unwrap();

    let t = Instant::now();
    let finder = Finder::open(&store, None).unwrap();
    let load = t.elapsed();
    println!(
        "search ready {:.1} ms after opening (the stored index is read per query, never loaded)",
        load.as_secs_f64() * 1000.0
    );

    // As in the interface: each keystroke is a new query.
    let mut jury_times = Vec::new();
    for q in QUERIES {
        for prefix in keystrokes(q) {
            let t = Instant::now();
            let hits = query::parse(&prefix).map(|q| finder.find(&store, &q, 50).unwrap());
            std::hint::black_box(hits.map(|h| h.len()).ok());
            jury_times.push(t.elapsed());
        }
    }
    jury_times.sort();
    println!(
        "jury per keystroke: n={} median={:.2} ms p95={:.2} ms max={:.2} ms",
        jury_times.len(),
        pct(&jury_times, 0.5),
        pct(&jury_times, 0.95),
        pct(&jury_times, 1.0)
    );

    // The same records as lines for fzf.
    let lines_path = dir.path().join("records.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&lines_path).unwrap());
        for p in store.prior_decisions().unwrap() {
            writeln!(
                f,
                "{} {} {} {} {} {} {} {}",
                p.applicant,
                p.prefecture,
                p.tier,
                p.round,
                p.outcome
                    .map(|o| o.as_str())
                    .or(p.grade.as_deref())
                    .unwrap_or(""),
                p.score.unwrap_or(0.0),
                p.programme,
                p.rationale
            )
            .unwrap();
        }
    }
    if Command::new("fzf").arg("--version").output().is_ok() {
        against_fzf(&lines_path, &jury_times);
    } else {
        println!("fzf not installed (apt-get install fzf): no comparison");
    }
    drop(store);
    engines(&dir.path().join("big.db"));
}

/// Both engines side by side: the index's cold start and a whole `jury
/// search` process at two sizes, and an import of the sample.
fn engines(big: &std::path::Path) {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.db");
    {
        let mut store = Store::open(&small).unwrap();
        jury::panel::sample::load(&mut store, "bench").unwrap();
        jury::panel::gendata::generate(&mut store, 0, DECISIONS / 10, 2016).unwrap();
    }
    let mut server = Server::from_env();
    println!("engine       decisions  search ready  jury search 怀化 --json (whole process)");
    for (file, n) in [(&small, DECISIONS / 10), (&big.to_path_buf(), DECISIONS)] {
        let mut dbs = vec![("SQLite", file.clone())];
        if let Some((_, url)) = server.as_mut().map(|s| s.database(&n.to_string())) {
            let from = Store::open(file).unwrap();
            from.copy_into(&mut Store::open(&url).unwrap()).unwrap();
            dbs.push(("PostgreSQL", url));
        }
        for (engine, db) in dbs {
            let store = Store::open(&db).unwrap();
            let load = median_ms(3, || {
                std::hint::black_box(Finder::open(&store, None).unwrap());
            });
            let whole = median_ms(5, || jury_process(&db, &["search", "怀化", "--json"]));
            println!("{engine:<12} {n:>9}  {load:>9.1} ms  {whole:>10.0} ms");
        }
    }
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let sample = sample.to_str().unwrap();
    let mut i = 0;
    let file_import = median_ms(3, || {
        i += 1;
        jury_process(
            &dir.path().join(format!("import{i}.db")),
            &["import", sample],
        );
    });
    println!("import of the sample into an empty database: SQLite {file_import:.0} ms");
    if let Some(s) = server.as_mut() {
        let urls: Vec<_> = (0..3)
            .map(|k| s.database(&format!("import{k}")).1)
            .collect();
        let mut urls = urls.into_iter();
        let pg_import = median_ms(3, || {
            jury_process(&urls.next().unwrap(), &["import", sample])
        });
        println!("import of the sample into an empty database: PostgreSQL {pg_import:.0} ms");
    } else {
        println!("(PostgreSQL skipped: set JURY_TEST_PG to a URL that may create databases)");
    }
}

/// The same keystrokes through `fzf --filter` over the records as lines.
fn against_fzf(lines_path: &std::path::Path, jury_times: &[Duration]) {
    let mut fzf_times = Vec::new();
    for q in QUERIES {
        // fzf has no filters: give it the words only.
        let words: String = q
            .split_whitespace()
            .filter(|w| !w.contains(':'))
            .collect::<Vec<_>>()
            .join(" ");
        for prefix in keystrokes(&words) {
            let input = std::fs::File::open(lines_path).unwrap();
            let t = Instant::now();
            let out = Command::new("fzf")
                .args(["--filter", &prefix])
                .stdin(input)
                .stdout(Stdio::piped())
                .output()
                .unwrap();
            std::hint::black_box(out.stdout.len());
            fzf_times.push(t.elapsed());
        }
    }
    fzf_times.sort();
    println!(
        "fzf --filter per keystroke: n={} median={:.2} ms p95={:.2} ms max={:.2} ms",
        fzf_times.len(),
        pct(&fzf_times, 0.5),
        pct(&fzf_times, 0.95),
        pct(&fzf_times, 1.0)
    );
    println!(
        "ratio fzf/jury: median {:.1}x, p95 {:.1}x",
        pct(&fzf_times, 0.5) / pct(jury_times, 0.5),
        pct(&fzf_times, 0.95) / pct(jury_times, 0.95)
    );
}
