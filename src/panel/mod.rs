//! The panel's services: the work of a panel built from the store with the
//! rules of the domain (what a member may see, the matrix and the list,
//! the pilots over the years, one applicant's timeline, exports, imports,
//! search, passphrases, the sample and synthetic data). Above `store` and
//! `domain`, below the faces (`tui`, `cli`); nothing here prints or draws.
//! Services may use one another, never in a circle (`tests/layers.rs`).

pub mod auth;
pub mod export;
pub mod gendata;
pub mod import;
pub mod integrity;
pub mod pilots;
pub mod sample;
pub mod search;
pub mod sight;
pub mod tally;
pub mod timeline;
