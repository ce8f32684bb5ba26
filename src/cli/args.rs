//! What the command line takes: the commands, their arguments and the
//! parsers of their values (clap). What each command does is in
//! `cli/mod.rs` (`run`) and the modules beside it.

use crate::base::i18n::{Lang, say};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "jury",
    version,
    about = "Review workstation for expert panels: score applications, settle a balanced list, search prior decisions.\n评审工作台:专家评分、统筹确定名单、检索以往决定。"
)]
pub struct Cli {
    /// The database: a SQLite file (default: jury.db in the user's data
    /// directory), or a PostgreSQL server's postgres:// URL.
    #[arg(long, global = true, env = "JURY_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Interface language (default: from the locale).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    /// Act as this panel member (member id); recorded in the audit log.
    /// Without it the terminal interface starts with a member picker.
    #[arg(long = "as", global = true, value_name = "MEMBER")]
    pub as_member: Option<String>,

    /// Colour theme: dark, light, high-contrast, or one in the config
    /// directory's themes/ folder.
    #[arg(long, global = true, env = "JURY_THEME", value_name = "NAME")]
    pub theme: Option<String>,

    /// Without a command, jury opens the terminal interface.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A moment of the bundled sample, for `jury demo`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Selection,
    Pilots,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// A fresh database from the bundled Hunan 2016 sample data (in a temporary
    /// directory unless --db is given), then the terminal interface (a
    /// summary when output is not a terminal).
    Demo {
        /// Also fill every review not yet submitted (deterministic, from the
        /// other reviewers' sub-scores), so the secretary's work can start.
        #[arg(long)]
        complete: bool,
        /// Which moment of the sample: `pilots` (early 2020: the list
        /// settled, the 2017 and 2018 assessments decided, 2019 being
        /// scored) or `selection` (December 2016: applications being scored).
        #[arg(long, value_enum, default_value_t = Stage::Pilots)]
        stage: Stage,
    },
    /// Open the annual assessment of a year over the current pilots: every
    /// reviewer is assigned every pilot (the usual recusals apply).
    Assess {
        /// The year assessed, e.g. 2019.
        #[arg(long)]
        year: i32,
        /// A mid-term evaluation: failing it may mean exit at once.
        #[arg(long)]
        midterm: bool,
        /// When the assessment concludes (default: 31 March of the next
        /// year). A warning's deadline to rectify runs from this date.
        #[arg(long, value_parser = parse_date)]
        deadline: Option<chrono::NaiveDate>,
        /// The call (default: the only one).
        #[arg(long)]
        call: Option<String>,
    },
    /// Set or change your passphrase (for panels on a shared host):
    /// `jury --as MEMBER passphrase`. The first is a secretary's and locks
    /// the panel: from then on every member signs in with theirs; the
    /// secretary issues each an initial one (--member ID --issue) that they
    /// replace at their first sign-in.
    Passphrase {
        /// Remove the passphrase (your own: only the last one, which
        /// unlocks the panel; another's: a secretary, with --member).
        #[arg(long, conflicts_with = "issue")]
        clear: bool,
        /// Issue a one-time initial passphrase to --member (a secretary).
        #[arg(long, requires = "member")]
        issue: bool,
        /// Another member (a secretary, with --issue or --clear).
        #[arg(long, value_name = "ID")]
        member: Option<String>,
    },
    /// Create the database (or bring its schema up to date) and print its
    /// path. On a PostgreSQL server, also hand the tables to an owner role
    /// no client logs in as, and create the panel's group roles.
    Init,
    /// On a PostgreSQL server: one login role per panel member (created or
    /// updated; a removed member's role loses its login and groups), with
    /// the grants each needs. Run by the administrator after `init` and
    /// whenever the panel changes.
    Roles {
        /// Also a login role (not a member) that reads everything, to
        /// verify the audit chain; repeatable.
        #[arg(long, value_name = "ROLE")]
        auditor: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import files or folders of call, panel, application, score-sheet,
    /// investment-plan and prior-decision files, all or nothing.
    Import {
        /// Files or folders to import.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Report what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The panel: members, departments, roles and declared conflicts.
    Members {
        #[arg(long)]
        json: bool,
    },
    /// Applications by tier and eligibility, rounds with scoring progress,
    /// members and prior decisions.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Eligibility (资格审查) of every application, with reasons.
    Eligibility {
        /// Only this tier (id, e.g. county).
        #[arg(long)]
        tier: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The panel matrix of a round: every reviewer's total per application,
    /// the aggregate, ranks, spread, reviewer calibration and reliability.
    Matrix {
        /// Round id (default: the latest round not yet finalised).
        #[arg(long)]
        round: Option<String>,
        /// trimmed_mean (default), mean, median or z_score.
        #[arg(long, default_value = "trimmed_mean", value_parser = parse_method)]
        method: crate::domain::aggregate::Method,
        #[arg(long)]
        json: bool,
    },
    /// The proposed list per tier under the call's balance rules, with every
    /// departure from rank order and its reason.
    Propose {
        #[arg(long)]
        round: Option<String>,
        #[arg(long, default_value = "trimmed_mean", value_parser = parse_method)]
        method: crate::domain::aggregate::Method,
        #[arg(long)]
        json: bool,
    },
    /// Export the list (internal, or --public) as csv, xlsx, json or md; or,
    /// with --score-sheet --member ID, a member's score sheet (csv or xlsx)
    /// that jury import takes back. Each export is logged with its SHA-256.
    Export {
        /// Output file; its extension picks the format unless --format says.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_enum)]
        format: Option<crate::panel::export::Format>,
        /// The public list: names by tier and region, no scores.
        #[arg(long)]
        public: bool,
        #[arg(long)]
        round: Option<String>,
        #[arg(long, default_value = "trimmed_mean", value_parser = parse_method)]
        method: crate::domain::aggregate::Method,
        /// A member's score sheet instead of the list.
        #[arg(long, requires = "member")]
        score_sheet: bool,
        #[arg(long)]
        member: Option<String>,
    },
    /// Move a round one step on: open → scoring → deliberation (logged).
    /// Scores are frozen from deliberation on.
    Advance {
        #[arg(long)]
        round: Option<String>,
    },
    /// Override one line of the proposed list, with a written reason
    /// (or --clear an override).
    Override {
        /// Application id.
        application: String,
        /// selected, reserve or not_selected (a selection round); continued,
        /// warned or exited (an assessment round).
        #[arg(long, value_parser = parse_outcome, required_unless_present = "clear")]
        outcome: Option<crate::domain::Outcome>,
        #[arg(long, required_unless_present = "clear")]
        reason: Option<String>,
        #[arg(long)]
        clear: bool,
        #[arg(long)]
        round: Option<String>,
    },
    /// Finalise a round in deliberation: the list as it stands (proposal and
    /// overrides) becomes its decisions, and the round is frozen (logged).
    Finalise {
        #[arg(long)]
        round: Option<String>,
        #[arg(long, default_value = "trimmed_mean", value_parser = parse_method)]
        method: crate::domain::aggregate::Method,
        /// Finalise although some assigned reviews are not submitted.
        #[arg(long)]
        allow_missing: bool,
    },
    /// Mark an application discussed (or --undo), with an optional
    /// discussion note.
    Discuss {
        application: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        undo: bool,
        #[arg(long)]
        round: Option<String>,
    },
    /// Ask a reviewer to revisit their review of an application: it shows in
    /// their queue and they may change it during deliberation.
    Revisit {
        application: String,
        #[arg(long)]
        member: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        round: Option<String>,
    },
    /// Reopen a finalised round for deliberation; its decisions are
    /// withdrawn (each withdrawal logged).
    ReopenRound {
        #[arg(long)]
        round: Option<String>,
    },
    /// One applicant's timeline: every round of its call with your own
    /// score, the panel's score, grade, decision and rationale; investment
    /// against the plan; earlier programmes' decisions under its name.
    Timeline {
        /// Application id.
        application: String,
        #[arg(long)]
        json: bool,
    },
    /// Search decisions (prior programmes and finalised rounds): words in
    /// Chinese, pinyin (changsha, cs) or English, "phrases", -exclusions and
    /// filters tier: city: year: round: dec: grade: score:>80 flag:.
    Search {
        /// The query: one argument, or its words as several (`jury search
        /// 怀化 flag:口子镇`); an exclusion (-word) goes inside quotes.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Add a realistic synthetic load for scale tests: copies of the sample
    /// applications and prior decisions over real 市州 and county names.
    /// Loads the sample first when the database has no call.
    GenData {
        #[arg(long, default_value_t = 0)]
        applications: usize,
        #[arg(long, default_value_t = 0)]
        decisions: usize,
        #[arg(long, default_value_t = 2016)]
        seed: u64,
    },
    /// A consistent copy of the database (SQLite's online backup API; others
    /// may keep working meanwhile).
    Backup {
        /// Where to write the copy.
        path: PathBuf,
    },
    /// Copy a whole panel into an empty database, between any two engines
    /// (a SQLite file or a postgres:// URL each): every row and the audit
    /// chain, verified where it lands.
    Copy {
        /// The panel to copy (file or URL).
        from: PathBuf,
        /// An empty database (a new file, or an empty PostgreSQL database).
        to: PathBuf,
    },
    /// Replace the database with a backup, after an integrity check and a
    /// verify of the backup; the current file is backed up first.
    Restore {
        /// The backup to restore.
        path: PathBuf,
    },
    /// Integrity check, audit chain, and that stored values match the log;
    /// exits non-zero on any break. Prints the chain's head hash (also on
    /// every export): keep it elsewhere, and a rewritten history shows.
    Verify {
        #[arg(long)]
        json: bool,
        /// Also record the head in the database (verify then checks every
        /// recorded head is still in the chain).
        #[arg(long)]
        record: bool,
        /// A head hash kept from earlier (an export's, a print's, a
        /// `--record`): fails unless it is still in the chain.
        #[arg(long, value_name = "HASH")]
        anchor: Vec<String>,
    },
}

// The value parsers run inside `Cli::parse`, before `--lang` is known to the
// faces: `main` sets the process language from a first look at the
// arguments, and they `say` in it.
fn parse_outcome(s: &str) -> Result<crate::domain::Outcome, String> {
    crate::domain::Outcome::parse(s).ok_or_else(|| {
        say(
            "应为 selected(入选)、reserve(备选)、not_selected(未入选)、continued(继续试点)、warned(限期整改)或 exited(退出)",
            "expected selected, reserve, not_selected, continued, warned or exited",
        )
    })
}

fn parse_method(s: &str) -> Result<crate::domain::aggregate::Method, String> {
    crate::domain::aggregate::Method::parse(s).ok_or_else(|| {
        say(
            "应为 trimmed_mean(去掉最高最低后平均)、mean(平均)、median(中位数)或 z_score(标准化)",
            "expected trimmed_mean, mean, median or z_score",
        )
    })
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::date::parse(s).ok_or_else(|| {
        say(
            format!("应为日期,如 2020-03-31,实际为 {s:?}"),
            format!("expected a date such as 2020-03-31, found {s:?}"),
        )
    })
}
