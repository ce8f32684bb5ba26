-- jury schema, version 1.
-- Calls are stored whole as JSON (a call is data: tiers, rubrics and rules
-- vary between panels); everything that is written during a review has
-- its own table.

CREATE TABLE calls (
    id          TEXT PRIMARY KEY,
    definition  TEXT NOT NULL CHECK (json_valid(definition))
);

CREATE TABLE rounds (
    id        TEXT PRIMARY KEY,
    call_id   TEXT NOT NULL REFERENCES calls(id),
    kind      TEXT NOT NULL CHECK (kind IN ('selection', 'assessment')),
    name      TEXT NOT NULL,
    name_en   TEXT NOT NULL DEFAULT '',
    rubric    TEXT NOT NULL,
    deadline  TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('open', 'scoring', 'deliberation', 'finalised')),
    year      INTEGER
);

CREATE TABLE applications (
    id                  TEXT PRIMARY KEY,
    call_id             TEXT NOT NULL REFERENCES calls(id),
    name                TEXT NOT NULL,
    name_en             TEXT NOT NULL DEFAULT '',
    tier                TEXT NOT NULL,
    prefecture          TEXT NOT NULL,
    region              TEXT NOT NULL,
    flags               TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags)),
    submitted_on        TEXT NOT NULL,
    route               TEXT NOT NULL CHECK (route IN ('prefecture', 'direct')),
    government_approval INTEGER NOT NULL CHECK (government_approval IN (0, 1)),
    contact             TEXT NOT NULL DEFAULT '',
    leading_group_head  TEXT NOT NULL DEFAULT '',
    leading_group_principal INTEGER NOT NULL CHECK (leading_group_principal IN (0, 1)),
    sections            TEXT NOT NULL CHECK (json_valid(sections)),
    indicators          TEXT NOT NULL CHECK (json_valid(indicators))
);
CREATE INDEX applications_by_call ON applications(call_id, tier);

CREATE TABLE projects (
    application_id  TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    total           REAL NOT NULL,
    plan            TEXT NOT NULL CHECK (json_valid(plan)),
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE members (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    department      TEXT NOT NULL,
    home_prefecture TEXT,
    roles           TEXT NOT NULL CHECK (json_valid(roles))
);

-- Audited tables: every change goes through the store, which appends the old
-- and new row to audit_log in the same transaction.
CREATE TABLE conflicts (
    member_id       TEXT NOT NULL REFERENCES members(id),
    application_id  TEXT NOT NULL REFERENCES applications(id),
    reason          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (member_id, application_id)
);

CREATE TABLE assignments (
    round_id        TEXT NOT NULL REFERENCES rounds(id),
    member_id       TEXT NOT NULL REFERENCES members(id),
    application_id  TEXT NOT NULL REFERENCES applications(id),
    PRIMARY KEY (round_id, member_id, application_id)
);

CREATE TABLE reviews (
    round_id        TEXT NOT NULL,
    member_id       TEXT NOT NULL,
    application_id  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    overall_comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, member_id, application_id),
    FOREIGN KEY (round_id, member_id, application_id)
        REFERENCES assignments(round_id, member_id, application_id)
);

CREATE TABLE scores (
    round_id        TEXT NOT NULL,
    member_id       TEXT NOT NULL,
    application_id  TEXT NOT NULL,
    criterion_id    TEXT NOT NULL,
    value           REAL,
    comment         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, member_id, application_id, criterion_id),
    FOREIGN KEY (round_id, member_id, application_id)
        REFERENCES reviews(round_id, member_id, application_id)
);

CREATE TABLE decisions (
    round_id        TEXT NOT NULL REFERENCES rounds(id),
    application_id  TEXT NOT NULL REFERENCES applications(id),
    outcome         TEXT CHECK (outcome IN ('selected', 'reserve', 'not_selected')),
    grade           TEXT,
    rationale       TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL,
    decided_at      TEXT NOT NULL,
    PRIMARY KEY (round_id, application_id)
);

CREATE TABLE prior_decisions (
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
    outcome     TEXT CHECK (outcome IN ('selected', 'reserve', 'not_selected')),
    grade       TEXT,
    score       REAL,
    rank        INTEGER,
    rationale   TEXT NOT NULL DEFAULT '',
    decided_by  TEXT NOT NULL DEFAULT ''
);

-- The audit chain. Each entry's hash covers its own fields and the previous
-- entry's hash, so rewriting history breaks every later link.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    entity     TEXT NOT NULL,
    key        TEXT NOT NULL,
    old        TEXT,
    new        TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_by_key ON audit_log(entity, key, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
