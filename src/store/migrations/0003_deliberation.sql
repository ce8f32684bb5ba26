-- jury schema, version 3: the secretary's overrides of the proposed list
-- and the record of every export. Both are audited.

-- An override replaces the proposal's outcome for one application; a
-- written reason is required.
CREATE TABLE overrides (
    round_id        TEXT NOT NULL REFERENCES rounds(id),
    application_id  TEXT NOT NULL REFERENCES applications(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('selected', 'reserve', 'not_selected')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    PRIMARY KEY (round_id, application_id)
);

-- What was exported, when and by whom, with the SHA-256 of the bytes written.
CREATE TABLE exports (
    id          TEXT PRIMARY KEY,
    round_id    TEXT NOT NULL,
    format      TEXT NOT NULL,
    public      INTEGER NOT NULL CHECK (public IN (0, 1)),
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL
);
