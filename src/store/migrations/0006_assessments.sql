-- jury schema, version 6: annual assessment and dynamic management.
-- Rounds may be a mid-term evaluation; decisions gain the assessment
-- outcomes (continued, warned, exited, promoted), the score they rest on
-- and a deadline to rectify; pilots' actual yearly investment is recorded
-- against the plan. SQLite cannot change a CHECK in place, so the two
-- decision tables and the overrides are rebuilt with their rows.
-- NULL on rounds made before this version: their logged rows have no
-- midterm, and `verify` reads a column missing from an entry as NULL.
ALTER TABLE rounds ADD COLUMN midterm INTEGER CHECK (midterm IN (0, 1));

CREATE TABLE decisions_v6 (
    round_id        TEXT NOT NULL REFERENCES rounds(id),
    application_id  TEXT NOT NULL REFERENCES applications(id),
    outcome         TEXT CHECK (outcome IN ('selected', 'reserve', 'not_selected',
                                            'continued', 'warned', 'exited', 'promoted')),
    grade           TEXT,
    score           REAL,
    due_on          TEXT,
    rationale       TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL,
    decided_at      TEXT NOT NULL,
    PRIMARY KEY (round_id, application_id)
);
INSERT INTO decisions_v6 (round_id, application_id, outcome, grade, rationale, decided_by, decided_at)
    SELECT round_id, application_id, outcome, grade, rationale, decided_by, decided_at FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_v6 RENAME TO decisions;

CREATE TABLE prior_decisions_v6 (
    id          TEXT PRIMARY KEY,
    programme   TEXT NOT NULL,
    round       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('selection', 'assessment')),
    year        INTEGER NOT NULL,
    decided_on  TEXT NOT NULL,
    applicant   TEXT NOT NULL,
    tier        TEXT NOT NULL,
    prefecture  TEXT NOT NULL,
    flags       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags)),
    outcome     TEXT CHECK (outcome IN ('selected', 'reserve', 'not_selected',
                                        'continued', 'warned', 'exited', 'promoted')),
    grade       TEXT,
    score       REAL,
    rank        INTEGER,
    rationale   TEXT NOT NULL DEFAULT '',
    decided_by  TEXT NOT NULL DEFAULT ''
);
INSERT INTO prior_decisions_v6 SELECT * FROM prior_decisions;
DROP TABLE prior_decisions;
ALTER TABLE prior_decisions_v6 RENAME TO prior_decisions;

CREATE TABLE overrides_v6 (
    round_id        TEXT NOT NULL REFERENCES rounds(id),
    application_id  TEXT NOT NULL REFERENCES applications(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('selected', 'reserve', 'not_selected',
                                                     'continued', 'warned', 'exited')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    PRIMARY KEY (round_id, application_id)
);
INSERT INTO overrides_v6 SELECT * FROM overrides;
DROP TABLE overrides;
ALTER TABLE overrides_v6 RENAME TO overrides;

-- Actual investment completed by a pilot in a year (same unit as the plan).
CREATE TABLE investment_actuals (
    application_id  TEXT NOT NULL REFERENCES applications(id),
    year            INTEGER NOT NULL,
    amount          REAL NOT NULL,
    PRIMARY KEY (application_id, year)
);
