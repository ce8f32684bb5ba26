-- The search index (issue 14): kept by the writes that change prior
-- decisions, so that a query reads it and never rebuilds it. Derived
-- wholly from `prior_decisions` and the calls' names (rebuilt when a call
-- changes), and not audited: the decisions are.
--
-- `search_names`: each distinct applicant with its 市州, with the keys a
-- free word is scored by (folded name, every pinyin spelling). A query
-- scores the few thousand names, not the million decisions.
CREATE TABLE search_names (
    id              INTEGER PRIMARY KEY,
    applicant       TEXT NOT NULL,
    prefecture      TEXT NOT NULL,
    prefecture_name TEXT NOT NULL,
    name            TEXT NOT NULL,
    pinyin_full     TEXT NOT NULL,
    pinyin_initials TEXT NOT NULL,
    has_ascii       INTEGER NOT NULL,
    city            TEXT NOT NULL,
    UNIQUE (applicant, prefecture)
);

-- `search_entries`: one per prior decision, with its folded text and the
-- fields filters compare, kept in the order results are shown (newest
-- first, then by id): reading the newest reads neighbouring pages, not
-- pages all over the file. `seq` numbers entries for `search_chars`.
CREATE TABLE search_entries (
    decided_on  TEXT NOT NULL,
    id          TEXT NOT NULL UNIQUE REFERENCES prior_decisions(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    name_id     INTEGER NOT NULL REFERENCES search_names(id),
    year        INTEGER NOT NULL,
    outcome     TEXT,
    grade       TEXT,
    score       REAL,
    hay         TEXT NOT NULL,
    tier        TEXT NOT NULL,
    round       TEXT NOT NULL,
    flags       TEXT NOT NULL,
    PRIMARY KEY (decided_on DESC, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX search_entries_by_seq ON search_entries (seq);
CREATE INDEX search_entries_by_name ON search_entries (name_id, decided_on DESC, id);
-- `year:`, `grade:` and `dec:` alone, newest first: their decisions may
-- lie far back among the newest, or be none.
CREATE INDEX search_entries_by_year ON search_entries (year, decided_on DESC, id);
CREATE INDEX search_entries_by_grade ON search_entries (grade, decided_on DESC, id);
CREATE INDEX search_entries_by_outcome ON search_entries (outcome, decided_on DESC, id);

-- `search_chars`: the entries' text character by character (FTS5; each
-- character a token, so a phrase of them is a substring of any length,
-- 长沙 as well as 边界口岸), written with the entries. A word few
-- decisions hold is found without reading them all; one that many hold
-- needs no index, as reading newest first meets enough of them at once.
-- Contentless: the text is in `search_entries`, under the same `seq`.
CREATE VIRTUAL TABLE search_chars USING fts5(
    hay, content = '', contentless_delete = 1, tokenize = 'unicode61'
);
