-- Two views every reader reads through, so that both engines run the same
-- statements: on PostgreSQL (pg/0003) they run as the panel's owner and
-- mask what the session's member may not read; here they are plain.
--
-- `decisions_read`: the decisions of every round (on the server, without
-- the figures and reasons of an application hidden from the reader).
CREATE VIEW decisions_read AS
    SELECT round_id, application_id, outcome, grade, score, due_on, rationale,
           decided_by, decided_at, facts
    FROM decisions;

-- `audit_head`: the chain's last entry, which every writer extends (on the
-- server, readable by members who may not read the entries themselves).
CREATE VIEW audit_head AS
    SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1;

-- `review_progress`: how far each review has come (its status, nothing
-- of its content): every member follows the round's progress, also on
-- reviews they may not read.
CREATE VIEW review_progress AS
    SELECT round_id, member_id, application_id, status FROM reviews;
