-- Beside each application's stored verdict, the eligibility checks it
-- failed (a JSON array of check kinds), kept by the same writes, so that
-- the secretary's matrix and list read a line per application and not its
-- texts (issue 14). Derived, not audited. NULL where not yet computed:
-- the reader then assesses the application itself.
ALTER TABLE applications ADD COLUMN failed_checks TEXT;

-- What queues, matrices and lists read of each application, in the order
-- they read it, held in an index: SQLite keeps an application's texts in
-- its row, and the columns added since sit after them, so reading them
-- from the table walks every application's overflow pages.
CREATE INDEX applications_facts ON applications
    (call_id, tier, id, name, name_en, prefecture, region, flags, verdict, failed_checks);
