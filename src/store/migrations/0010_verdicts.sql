-- Each application's eligibility verdict, kept by the writes that change
-- it (the application, its investment plan, its call), so that the queue
-- reads a word per application and not its texts (issue 14). Derived,
-- not audited: the application and the call are. NULL where not yet
-- computed: the reader then assesses the application itself.
ALTER TABLE applications ADD COLUMN verdict TEXT;
