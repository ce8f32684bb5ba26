-- jury schema, version 4: deliberation. Per application, whether the panel
-- has discussed it and the secretary's discussion note; per reviewer and
-- application, a request to revisit (which lets that reviewer change that
-- review during deliberation, until they submit again). Both audited.
CREATE TABLE deliberations (
    round_id        TEXT NOT NULL REFERENCES rounds(id),
    application_id  TEXT NOT NULL REFERENCES applications(id),
    discussed       INTEGER NOT NULL DEFAULT 0 CHECK (discussed IN (0, 1)),
    note            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, application_id)
);

CREATE TABLE revisits (
    round_id        TEXT NOT NULL,
    member_id       TEXT NOT NULL,
    application_id  TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    open            INTEGER NOT NULL CHECK (open IN (0, 1)),
    PRIMARY KEY (round_id, member_id, application_id),
    FOREIGN KEY (round_id, member_id, application_id)
        REFERENCES assignments(round_id, member_id, application_id)
);
