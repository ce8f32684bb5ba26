-- jury schema, version 2: keystroke buffers for comments being edited.
-- A comment is written here on every keystroke (cheap, not audited) and
-- committed to `scores`/`reviews` (audited) when the editor closes or goes
-- idle; a buffer left by a killed process is committed on the next start.
CREATE TABLE edit_buffers (
    round_id        TEXT NOT NULL,
    member_id       TEXT NOT NULL,
    application_id  TEXT NOT NULL,
    -- a criterion id, or '' for the review's overall comment
    criterion_id    TEXT NOT NULL,
    text            TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (round_id, member_id, application_id, criterion_id)
);
