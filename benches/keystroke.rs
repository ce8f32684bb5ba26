//! Keystroke-to-frame latency with 10,000 applications in the queue.
//!
//!     cargo bench --bench keystroke
//!     JURY_TEST_PG=postgres://postgres@127.0.0.1/postgres cargo bench --bench keystroke
//!
//! The second also runs every case on a fresh PostgreSQL database on that
//! server, after the SQLite file, so the engines can be read side by side.
//!
//! Queue navigation: handle the key, then draw a full 120×40 frame into a
//! TestBackend. Score entry: the same, plus the real database write the key
//! causes (a committed, audited SQLite transaction in WAL mode).
//! Prints p50/p95/p99/max per case; the goal is p99 under 4 ms.

mod common;
use common::*;
use jury::store::Store;
use std::time::Duration;

const APPLICATIONS: usize = 10_000;

fn report(name: &str, samples: &[Duration]) {
    println!(
        "{name:<32} n={:<5} p50={:.3} ms  p95={:.3} ms  p99={:.3} ms  max={:.3} ms",
        samples.len(),
        pct(samples, 0.50),
        pct(samples, 0.95),
        pct(samples, 0.99),
        pct(samples, 1.0),
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    println!("== SQLite (a WAL file)");
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    setup(&mut store);
    measure(store);
    let Some(mut server) = Server::from_env() else {
        println!("(PostgreSQL skipped: set JURY_TEST_PG to a URL that may create databases)");
        return;
    };
    for as_member in [false, true] {
        let (name, url) = server.database(&u8::from(as_member).to_string());
        let mut store = Store::open(&url).unwrap();
        setup(&mut store);
        if as_member {
            // The reviewer signs in as their own role: every read and
            // write goes through the row-level policies.
            println!("== PostgreSQL, as member m06's own role (row-level security)");
            store.init_server().unwrap();
            store.sync_roles(&[]).unwrap();
            drop(store);
            let member = server.as_role(&name, &format!("{name}_m06"));
            measure(Store::open(&member).unwrap());
        } else {
            println!("== PostgreSQL (a local server, as its administrator)");
            measure(store);
        }
    }
}

/// The sample, and 10,000 more applications in m06's queue.
fn setup(store: &mut Store) {
    let t0 = std::time::Instant::now();
    with_applications(store, APPLICATIONS);
    println!(
        "setup: {APPLICATIONS} applications in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
}

/// Sign-in, queue navigation, filtering and score entry as m06.
fn measure(store: Store) {
    let c = QueueCosts::measure(store, 1.0);
    println!(
        "sign-in (load {} queue rows): {:.1} ms",
        c.rows,
        c.sign_in.as_secs_f64() * 1000.0
    );
    assert!(c.rows > APPLICATIONS);
    report("queue navigation (key+frame)", &c.navigation);
    report("queue filter by tier (10k rows)", &c.filter);
    report("score entry (key+DB commit+frame)", &c.entry);
}
