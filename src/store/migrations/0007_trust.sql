-- jury schema, version 7: trust. New columns are NULL on rows written
-- before this version (their logged entries have no such column, and
-- `verify` reads a column missing from an entry as NULL).
--
-- A review entered by somebody other than its member (a secretary typing
-- in a signed paper score sheet) names who entered it.
ALTER TABLE reviews ADD COLUMN entered_by TEXT;

-- A decision's facts, structured (rank, how it got its place, the reasons
-- with the applications they name, the method), so that its rationale is
-- rendered for each reader: a member recused from an application named in
-- it, or ranked beside it, is not told its rank or outcome.
ALTER TABLE decisions ADD COLUMN facts TEXT CHECK (facts IS NULL OR json_valid(facts));

-- A passphrase the secretary issued (1) must be replaced by the member at
-- their first sign-in; NULL or 0: the member's own.
ALTER TABLE member_secrets ADD COLUMN initial INTEGER CHECK (initial IN (0, 1));

-- The audit chain's head as recorded by `jury verify --record` (and
-- printed on every export), so that a rewritten history shows against
-- what left the building.
CREATE TABLE anchors (
    id           INTEGER PRIMARY KEY,
    entry        INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
