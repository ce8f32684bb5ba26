//! The search screen's state, and the worker thread that owns the index:
//! it is built off the UI thread after the first frame, each query goes to
//! the worker, and a newer query supersedes an older one still queued.

use super::screen::Screen;
use crate::domain::Member;
pub use crate::panel::search::Found;
use crate::panel::search::{self, stored::Finder};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct SearchState {
    pub text: String,
    pub results: Vec<Found>,
    pub selected: usize,
    /// The sequence number of the newest query sent; results for older
    /// ones are dropped.
    pub sent: u64,
    pub shown: u64,
    pub error: Option<String>,
    pub ready: bool,
    /// The screen to return to.
    pub back: Screen,
}

impl SearchState {
    pub fn new(back: Screen) -> SearchState {
        SearchState {
            text: String::new(),
            results: Vec::new(),
            selected: 0,
            sent: 0,
            shown: 0,
            error: None,
            ready: false,
            back,
        }
    }

    pub fn pending(&self) -> bool {
        self.shown < self.sent
    }

    pub fn selected(&self) -> Option<&Found> {
        self.results.get(self.selected)
    }
}

pub enum Reply {
    Ready,
    Results(u64, Result<Vec<Found>, String>),
}

/// The worker: owns its own connection and the index.
pub struct Worker {
    tx: Sender<(u64, String)>,
    pub rx: Receiver<Reply>,
}

impl Worker {
    pub fn start(db: PathBuf, viewer: Option<Member>, limit: usize) -> Worker {
        let (tx, queries) = channel::<(u64, String)>();
        let (replies, rx) = channel::<Reply>();
        std::thread::spawn(move || {
            let opened = crate::store::Store::open(&db)
                .and_then(|s| Finder::open(&s, viewer.as_ref()).map(|f| (s, f)));
            let (store, finder) = match opened {
                Ok(both) => both,
                Err(e) => {
                    let _ = replies.send(Reply::Results(0, Err(e.to_string())));
                    return;
                }
            };
            let _ = replies.send(Reply::Ready);
            while let Ok(mut next) = queries.recv() {
                // Only the newest query matters.
                while let Ok(newer) = queries.try_recv() {
                    next = newer;
                }
                let (seq, text) = next;
                let found = search::query::parse(&text)
                    .and_then(|q| finder.find(&store, &q, limit).map_err(|e| e.to_string()));
                if replies.send(Reply::Results(seq, found)).is_err() {
                    return;
                }
            }
        });
        Worker { tx, rx }
    }

    pub fn ask(&self, seq: u64, text: &str) {
        let _ = self.tx.send((seq, text.to_string()));
    }
}

/// Runs a query on the calling thread (tests, and the first query before
/// the worker is needed).
pub fn search_now(
    store: &crate::store::Store,
    viewer: Option<&Member>,
    text: &str,
    limit: usize,
) -> Result<Vec<Found>, String> {
    let q = search::query::parse(text)?;
    Finder::open(store, viewer)
        .and_then(|f| f.find(store, &q, limit))
        .map_err(|e| e.to_string())
}
