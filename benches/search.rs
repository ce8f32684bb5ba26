//! Search at scale: 100,000 prior decisions (jury gen-data), queries typed
//! one keystroke at a time, against `fzf --filter` on the same records
//! written as lines.
//!
//!     cargo bench --bench search
//!
//! Prints the time to load the index (cold start), per-keystroke search
//! times (median, p95), the same for fzf when it is installed, and the ratio.

use jury::search::{self, query};
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

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

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
    jury::cli::load_sample(&mut store, "bench").unwrap();
    let t = Instant::now();
    jury::gendata::generate(&mut store, 0, DECISIONS, 2016).unwrap();
    println!(
        "setup: {DECISIONS} decisions in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let index = search::load(&store, None).unwrap();
    let load = t.elapsed();
    println!(
        "cold start: index of {} records loaded in {:.0} ms",
        index.len(),
        load.as_secs_f64() * 1000.0
    );

    // As in the interface: one session per query typed, so a keystroke
    // that only narrows searches the last matches again.
    let mut jury_times = Vec::new();
    let mut fresh = Vec::new();
    for q in QUERIES {
        let mut session = search::Session::default();
        for prefix in keystrokes(q) {
            let t = Instant::now();
            let hits = session.search(&index, &prefix, 50).unwrap_or_default();
            std::hint::black_box(hits.len());
            jury_times.push(t.elapsed());
            let t = Instant::now();
            let parsed = query::parse(&prefix).unwrap_or_default();
            std::hint::black_box(index.search(&parsed, 50).len());
            fresh.push(t.elapsed());
        }
    }
    fresh.sort();
    println!(
        "jury per query from scratch: median={:.2} ms p95={:.2} ms max={:.2} ms",
        pct(&fresh, 0.5),
        pct(&fresh, 0.95),
        pct(&fresh, 1.0)
    );
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
    if Command::new("fzf").arg("--version").output().is_err() {
        println!("fzf not installed (apt-get install fzf): no comparison");
        return;
    }
    let mut fzf_times = Vec::new();
    for q in QUERIES {
        // fzf has no filters: give it the words only.
        let words: String = q
            .split_whitespace()
            .filter(|w| !w.contains(':'))
            .collect::<Vec<_>>()
            .join(" ");
        for prefix in keystrokes(&words) {
            let input = std::fs::File::open(&lines_path).unwrap();
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
        pct(&fzf_times, 0.5) / pct(&jury_times, 0.5),
        pct(&fzf_times, 0.95) / pct(&jury_times, 0.95)
    );
}
