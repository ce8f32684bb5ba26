//! jury: a terminal review workstation for panels that score applications
//! under a call (tiers, criteria, rules) and settle a balanced list.
//!
//! # The house
//!
//! Five layers in six folders under `src/` (the faces are two). A layer
//! may import the layers below it, never one above, and no two files or
//! folders import each other, even through others (`tests/layers.rs`
//! fails on both; a folder's `mod.rs` and its own files are one face):
//!
//! | layer | folder | holds | may import |
//! |---|---|---|---|
//! | faces | [`cli`] | the command line: its commands and arguments (`cli/args.rs`), one function per command (parse, context, one service, render); `jury` with no command opens the interface | everything below, `tui` included |
//! | | [`tui`] | the terminal interface: keymap, state and update (`tui/app.rs` and each screen's keys), views, runtime and effects | `panel`, `store`, `domain`, `base` (never `cli`) |
//! | services | [`panel`] | the panel's work from the store with the domain's rules, the same for both faces: sight, tally, pilots, timeline, export, import, integrity, search, auth, sample, gendata | `store`, `domain`, `base`, other services without a circle |
//! | storage | [`store`] | the database (SQLite or PostgreSQL): migrations, reads and writes in domain types, the audit chain, roles | `domain`, `base` |
//! | rules | [`domain`] | pure types and rules: the call, applications, the panel, scores, eligibility, aggregation, selection; no I/O | `base` |
//! | helpers | [`base`] | display width and wrapping, the interface language, files written whole | nothing of jury |
//!
//! Nothing below the faces prints (but for `panel::auth` asking for a
//! passphrase on the terminal). A newcomer reads a feature top-down:
//! the command in `cli/args.rs` or the key in `tui/keymap.rs`, the service in
//! `panel` it calls, the rule in `domain` the service applies.

pub mod base;
pub mod cli;
pub mod domain;
pub mod panel;
pub mod store;
pub mod tui;
