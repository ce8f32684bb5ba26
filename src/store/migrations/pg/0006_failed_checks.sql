-- Beside each application's stored verdict, the eligibility checks it
-- failed (a JSON array of check kinds), kept by the same writes, so that
-- the secretary's matrix and list read a line per application and not its
-- texts (issue 14). Derived, not audited. NULL where not yet computed:
-- the reader then assesses the application itself.
ALTER TABLE applications ADD COLUMN failed_checks TEXT;
