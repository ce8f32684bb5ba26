-- jury schema, version 5: optional per-member passphrases for shared hosts.
-- Only an Argon2id hash in PHC form is kept (salt and parameters inside it).
-- Audited, so a hash swapped behind jury's back shows up in `jury verify`.
CREATE TABLE member_secrets (
    member_id  TEXT PRIMARY KEY REFERENCES members(id),
    phc        TEXT NOT NULL
);
