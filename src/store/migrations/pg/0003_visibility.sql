-- jury on PostgreSQL, schema version 3: the server itself enforces who
-- reads what (issue 12). The rule is `domain::panel::may_read_review`:
--
-- - nothing of an application one is recused from (declared conflict, or
--   its 市州 is one's home), whatever one's role;
-- - one's own review, always;
-- - whoever reviews an application is bound by the blind rule: others'
--   submitted reviews only as the call's `reviews_visible` allows;
-- - a secretary who does not review it reads every review, drafts included;
-- - anyone else: others' submitted reviews as `reviews_visible` allows.
--
-- Who is asking is the session's own login role (`session_user`), mapped
-- to a member by `jury roles` in `jury.member_roles`: never a variable a
-- client can set. The helpers below are SECURITY DEFINER, owned by the
-- panel's owner role (`jury init`), which row-level security does not bind,
-- so a policy can read the tables it guards without recursing into itself.
-- `search_path = ''` keeps a member's own objects out of their way. The
-- scalar helpers a policy calls per row are PL/pgSQL, whose plans are kept
-- for the session: a SECURITY DEFINER SQL function is planned afresh at
-- every call (measured: 0.39 ms against 0.03 ms per write check).
--
-- The sets a read policy needs (applications recused from, pairs whose
-- reviews are open) are computed by set-returning functions that a policy
-- calls once per statement (a hashed subplan), not once per row;
-- `(SELECT jury.f())` makes a scalar helper an init plan, evaluated once
-- too. They are sets of keys, not of rows, so that the row an upsert writes
-- passes the same test as one already there.

CREATE SCHEMA jury;

-- `owner`, `members`, `secretaries`, `auditors`: the panel's roles, as
-- `jury init` and `jury roles` named them.
CREATE TABLE jury.settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Which login role is which panel member.
CREATE TABLE jury.member_roles (
    member_id  TEXT COLLATE "C" PRIMARY KEY,
    role_name  TEXT NOT NULL UNIQUE
);

-- Each call's `reviews_visible`, kept apart from its (large) definition so
-- that a policy does not parse JSON per row.
CREATE TABLE jury.call_rules (
    call_id          TEXT COLLATE "C" PRIMARY KEY,
    reviews_visible  TEXT NOT NULL
);
INSERT INTO jury.call_rules (call_id, reviews_visible)
    SELECT id, coalesce(definition::jsonb -> 'call' ->> 'reviews_visible', 'after_own_submission')
    FROM calls;

CREATE FUNCTION jury.track_call_rules() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    INSERT INTO jury.call_rules (call_id, reviews_visible)
    VALUES (NEW.id, coalesce(NEW.definition::jsonb -> 'call' ->> 'reviews_visible',
                             'after_own_submission'))
    ON CONFLICT (call_id) DO UPDATE SET reviews_visible = EXCLUDED.reviews_visible;
    RETURN NULL;
END;
$$;
CREATE TRIGGER calls_rules AFTER INSERT OR UPDATE ON calls
    FOR EACH ROW EXECUTE FUNCTION jury.track_call_rules();

-- The member this session is (NULL: not a member).
CREATE FUNCTION jury.me() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    RETURN (SELECT member_id FROM jury.member_roles WHERE role_name = session_user::text);
END;
$$;

-- Whether the session's role belongs to one of the panel's groups.
CREATE FUNCTION jury.in_group(p_key text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    RETURN coalesce((
        SELECT pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')
        FROM jury.settings s JOIN pg_catalog.pg_roles r ON r.rolname = s.value
        WHERE s.key = p_key), false);
END;
$$;

-- The operator: not a member, and a superuser or a member of the owner
-- role (before `jury init` names an owner, whoever created the tables).
CREATE FUNCTION jury.operator() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF jury.me() IS NOT NULL THEN
        RETURN false;
    END IF;
    RETURN coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r
                     WHERE r.rolname = session_user), false)
        OR jury.in_group('owner')
        OR NOT EXISTS (SELECT 1 FROM jury.settings WHERE key = 'owner');
END;
$$;

-- Reads everything (to verify the chain, or audit): the operator, or a
-- member of the auditors' group who is not a panel member.
CREATE FUNCTION jury.reads_all() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    RETURN jury.operator() OR (jury.me() IS NULL AND jury.in_group('auditors'));
END;
$$;

CREATE FUNCTION jury.is_secretary() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    RETURN coalesce((SELECT m.roles::jsonb ? 'secretary' FROM public.members m
                     WHERE m.id = jury.me()), false);
END;
$$;

-- Who is recused from what (`domain::panel::recusal`: a declared
-- conflict, or the application's 市州 is the member's home), kept current
-- by triggers on the facts that decide it, so that a policy asks an index
-- per row instead of working it out per statement. Members read it (the
-- conflicts and home 市州 behind it are on the panel's list anyway).
CREATE INDEX applications_by_prefecture ON applications(prefecture);
CREATE TABLE jury.recusals (
    member_id       TEXT COLLATE "C" NOT NULL,
    application_id  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (member_id, application_id)
);

CREATE FUNCTION jury.recusals_of_member(p_member text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    DELETE FROM jury.recusals WHERE member_id = p_member;
    INSERT INTO jury.recusals (member_id, application_id)
        SELECT c.member_id, c.application_id FROM public.conflicts c
        WHERE c.member_id = p_member
        UNION
        SELECT m.id, a.id FROM public.members m
        JOIN public.applications a ON a.prefecture = m.home_prefecture
        WHERE m.id = p_member;
END;
$$;

CREATE FUNCTION jury.recusals_of_application(p_app text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    DELETE FROM jury.recusals WHERE application_id = p_app;
    INSERT INTO jury.recusals (member_id, application_id)
        SELECT c.member_id, c.application_id FROM public.conflicts c
        WHERE c.application_id = p_app
        UNION
        SELECT m.id, a.id FROM public.applications a
        JOIN public.members m ON m.home_prefecture = a.prefecture
        WHERE a.id = p_app;
END;
$$;

CREATE FUNCTION jury.track_recusals() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF TG_TABLE_NAME = 'applications' THEN
        IF TG_OP <> 'INSERT' THEN
            PERFORM jury.recusals_of_application(OLD.id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM jury.recusals_of_application(NEW.id);
        END IF;
    ELSIF TG_TABLE_NAME = 'members' THEN
        IF TG_OP <> 'INSERT' THEN
            PERFORM jury.recusals_of_member(OLD.id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM jury.recusals_of_member(NEW.id);
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            PERFORM jury.recusals_of_member(OLD.member_id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM jury.recusals_of_member(NEW.member_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER applications_recusals AFTER INSERT OR DELETE OR UPDATE OF id, prefecture
    ON applications FOR EACH ROW EXECUTE FUNCTION jury.track_recusals();
CREATE TRIGGER members_recusals AFTER INSERT OR DELETE OR UPDATE OF id, home_prefecture
    ON members FOR EACH ROW EXECUTE FUNCTION jury.track_recusals();
CREATE TRIGGER conflicts_recusals AFTER INSERT OR DELETE OR UPDATE
    ON conflicts FOR EACH ROW EXECUTE FUNCTION jury.track_recusals();
INSERT INTO jury.recusals (member_id, application_id)
    SELECT member_id, application_id FROM conflicts
    UNION
    SELECT m.id, a.id FROM members m JOIN applications a ON a.prefecture = m.home_prefecture;

-- The applications this session's member is recused from.
CREATE FUNCTION jury.recused_apps() RETURNS TABLE (application_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
    SELECT r.application_id FROM jury.recusals r WHERE r.member_id = jury.me()
$$;

-- One application: an index lookup (every write checks it).
CREATE FUNCTION jury.recused(p_app text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM jury.recusals r
                   WHERE r.member_id = jury.me() AND r.application_id = p_app);
END;
$$;

-- Whether a reviewer standing as (reviews it, own review submitted) may
-- read the others' submitted reviews under `rule`.
CREATE FUNCTION jury.others_allowed(p_rule text, p_reviews boolean, p_submitted boolean)
RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
    SELECT CASE coalesce(p_rule, 'after_own_submission')
        WHEN 'never' THEN false
        WHEN 'always' THEN true
        ELSE p_reviews AND p_submitted
    END
$$;

-- The (round, application) pairs whose every review this session reads,
-- drafts included: a secretary's, where they do not review it. Pairs, not
-- rows, so that a policy can check a row being written as well as one
-- already there (an upsert must pass the read policy with its new row).
CREATE FUNCTION jury.open_pairs() RETURNS TABLE (round_id text, application_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
    SELECT r.id, a.id
    FROM public.rounds r JOIN public.applications a ON a.call_id = r.call_id
    WHERE (SELECT jury.is_secretary())
      AND NOT EXISTS (SELECT 1 FROM public.assignments s
                      WHERE s.round_id = r.id AND s.application_id = a.id
                        AND s.member_id = (SELECT jury.me()))
$$;

-- The (round, application) pairs whose others' submitted reviews this
-- session reads under the call's `reviews_visible`: where they review it,
-- as their own submission allows; elsewhere, only under `always`.
CREATE FUNCTION jury.others_pairs() RETURNS TABLE (round_id text, application_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
    SELECT s.round_id, s.application_id
    FROM public.assignments s
    JOIN public.rounds r ON r.id = s.round_id
    LEFT JOIN jury.call_rules cr ON cr.call_id = r.call_id
    WHERE s.member_id = (SELECT jury.me())
      AND jury.others_allowed(cr.reviews_visible, true, EXISTS (
            SELECT 1 FROM public.reviews v
            WHERE v.round_id = s.round_id AND v.member_id = s.member_id
              AND v.application_id = s.application_id AND v.status = 'submitted'))
    UNION
    SELECT r.id, a.id
    FROM public.rounds r
    JOIN jury.call_rules cr ON cr.call_id = r.call_id
    JOIN public.applications a ON a.call_id = r.call_id
    WHERE cr.reviews_visible = 'always'
      AND (SELECT jury.me()) IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM public.assignments s
                      WHERE s.round_id = r.id AND s.application_id = a.id
                        AND s.member_id = (SELECT jury.me()))
$$;

-- The submitted reviews (round, application, author) of others this
-- session reads: for scores, whose own row carries no status.
CREATE FUNCTION jury.submitted_others() RETURNS TABLE (round_id text, application_id text, member_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
    SELECT v.round_id, v.application_id, v.member_id
    FROM public.reviews v
    WHERE v.status = 'submitted'
      AND (v.round_id, v.application_id) IN (SELECT * FROM jury.others_pairs())
$$;

-- The rule for one review, row by row (for the audit log's entries):
-- `domain::panel::may_read_review`, step for step.
CREATE FUNCTION jury.may_read(p_round text, p_app text, p_author text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    v_me text := jury.me();
    v_reviews boolean;
    v_rule text;
BEGIN
    IF jury.reads_all() THEN
        RETURN true;
    END IF;
    IF v_me IS NULL OR jury.recused(p_app) THEN
        RETURN false;
    END IF;
    IF p_author = v_me THEN
        RETURN true;
    END IF;
    v_reviews := EXISTS (SELECT 1 FROM public.assignments s
                         WHERE s.round_id = p_round AND s.member_id = v_me
                           AND s.application_id = p_app);
    IF NOT v_reviews AND jury.is_secretary() THEN
        RETURN true;
    END IF;
    SELECT cr.reviews_visible INTO v_rule
    FROM public.rounds r LEFT JOIN jury.call_rules cr ON cr.call_id = r.call_id
    WHERE r.id = p_round;
    RETURN jury.others_allowed(v_rule, v_reviews, EXISTS (
               SELECT 1 FROM public.reviews v
               WHERE v.round_id = p_round AND v.member_id = v_me
                 AND v.application_id = p_app AND v.status = 'submitted'))
       AND EXISTS (SELECT 1 FROM public.reviews v
                   WHERE v.round_id = p_round AND v.member_id = p_author
                     AND v.application_id = p_app AND v.status = 'submitted');
END;
$$;

-- The (round, application) pairs whose panel figures are hidden from this
-- session (`Sight::hidden`): recused, or reviewing it and still blind.
CREATE FUNCTION jury.hidden_pairs() RETURNS TABLE (round_id text, application_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
    SELECT r.id, x.application_id
    FROM jury.recused_apps() x
    JOIN public.applications a ON a.id = x.application_id
    JOIN public.rounds r ON r.call_id = a.call_id
    WHERE NOT jury.reads_all()
    UNION
    SELECT s.round_id, s.application_id
    FROM public.assignments s
    JOIN public.rounds r ON r.id = s.round_id
    LEFT JOIN jury.call_rules cr ON cr.call_id = r.call_id
    WHERE s.member_id = jury.me()
      AND NOT jury.others_allowed(cr.reviews_visible, true, EXISTS (
            SELECT 1 FROM public.reviews v
            WHERE v.round_id = s.round_id AND v.member_id = s.member_id
              AND v.application_id = s.application_id AND v.status = 'submitted'))
$$;

-- Whether this session may write `author`'s review of `app`: their own,
-- or as a secretary (paper sheets), never where recused.
CREATE FUNCTION jury.may_write_review(p_app text, p_author text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    v_me text := jury.me();
BEGIN
    IF v_me IS NULL THEN
        RETURN jury.operator();
    END IF;
    IF jury.recused(p_app) THEN
        RETURN false;
    END IF;
    RETURN p_author = v_me OR jury.is_secretary();
END;
$$;

-- The secretary's work on an application (discussion notes, decisions,
-- overrides): never where recused.
CREATE FUNCTION jury.may_settle(p_app text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF jury.me() IS NULL THEN
        RETURN jury.operator();
    END IF;
    RETURN jury.is_secretary() AND NOT jury.recused(p_app);
END;
$$;

-- Whether an audit entry may be read: as its row may be.
CREATE FUNCTION jury.audit_visible(p_entity text, p_key text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    k jsonb := p_key::jsonb;
BEGIN
    IF jury.reads_all() THEN
        RETURN true;
    END IF;
    IF jury.me() IS NULL THEN
        RETURN false;
    END IF;
    CASE p_entity
        WHEN 'score', 'review' THEN
            RETURN jury.may_read(k ->> 0, k ->> 2, k ->> 1);
        WHEN 'revisit' THEN
            RETURN NOT jury.recused(k ->> 2)
               AND (k ->> 1 = jury.me() OR jury.is_secretary());
        WHEN 'decision', 'deliberation', 'override' THEN
            RETURN NOT EXISTS (SELECT 1 FROM jury.hidden_pairs() h
                               WHERE h.round_id = k ->> 0 AND h.application_id = k ->> 1);
        WHEN 'passphrase' THEN
            RETURN k ->> 0 = jury.me();
        ELSE
            RETURN true;
    END CASE;
END;
$$;

-- Reviews and scores.
ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY reviews_read ON reviews FOR SELECT USING (
    (SELECT jury.reads_all())
    OR ((SELECT jury.me()) IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM jury.recusals r
                        WHERE r.member_id = (SELECT jury.me())
                          AND r.application_id = reviews.application_id)
        AND (member_id = (SELECT jury.me())
             OR (round_id, application_id) IN (SELECT * FROM jury.open_pairs())
             OR (status = 'submitted'
                 AND (round_id, application_id) IN (SELECT * FROM jury.others_pairs())))));
CREATE POLICY reviews_insert ON reviews FOR INSERT
    WITH CHECK (jury.may_write_review(application_id, member_id));
CREATE POLICY reviews_update ON reviews FOR UPDATE
    USING (jury.may_write_review(application_id, member_id))
    WITH CHECK (jury.may_write_review(application_id, member_id));
CREATE POLICY reviews_delete ON reviews FOR DELETE
    USING (jury.may_write_review(application_id, member_id));

ALTER TABLE scores ENABLE ROW LEVEL SECURITY;
CREATE POLICY scores_read ON scores FOR SELECT USING (
    (SELECT jury.reads_all())
    OR ((SELECT jury.me()) IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM jury.recusals r
                        WHERE r.member_id = (SELECT jury.me())
                          AND r.application_id = scores.application_id)
        AND (member_id = (SELECT jury.me())
             OR (round_id, application_id) IN (SELECT * FROM jury.open_pairs())
             OR (round_id, application_id, member_id)
                IN (SELECT * FROM jury.submitted_others()))));
CREATE POLICY scores_insert ON scores FOR INSERT
    WITH CHECK (jury.may_write_review(application_id, member_id));
CREATE POLICY scores_update ON scores FOR UPDATE
    USING (jury.may_write_review(application_id, member_id))
    WITH CHECK (jury.may_write_review(application_id, member_id));
CREATE POLICY scores_delete ON scores FOR DELETE
    USING (jury.may_write_review(application_id, member_id));

-- Comments being typed: one's own only.
ALTER TABLE edit_buffers ENABLE ROW LEVEL SECURITY;
CREATE POLICY edit_buffers_own ON edit_buffers
    USING (member_id = (SELECT jury.me()) OR (SELECT jury.operator()))
    WITH CHECK (member_id = (SELECT jury.me()) OR (SELECT jury.operator()));

-- Requests to revisit a review: the member asked, and the secretary.
ALTER TABLE revisits ENABLE ROW LEVEL SECURITY;
CREATE POLICY revisits_read ON revisits FOR SELECT USING (
    (SELECT jury.reads_all())
    OR (NOT jury.recused(application_id)
        AND (member_id = (SELECT jury.me()) OR (SELECT jury.is_secretary()))));
CREATE POLICY revisits_write ON revisits FOR ALL
    USING (jury.may_write_review(application_id, member_id))
    WITH CHECK (jury.may_write_review(application_id, member_id));

-- The panel's figures and conclusions: hidden where the reader is recused
-- or still blind. (Writes have a policy per command: a FOR ALL policy would
-- also let its USING read rows.) A decision's outcome stays readable through
-- `decisions_read` below; its figures and reasons do not.
ALTER TABLE deliberations ENABLE ROW LEVEL SECURITY;
CREATE POLICY deliberations_read ON deliberations FOR SELECT USING (
    (SELECT jury.reads_all())
    OR ((SELECT jury.me()) IS NOT NULL
        AND (round_id, application_id) NOT IN (SELECT * FROM jury.hidden_pairs())));
CREATE POLICY deliberations_insert ON deliberations FOR INSERT
    WITH CHECK (jury.may_settle(application_id));
CREATE POLICY deliberations_update ON deliberations FOR UPDATE
    USING (jury.may_settle(application_id)) WITH CHECK (jury.may_settle(application_id));
CREATE POLICY deliberations_delete ON deliberations FOR DELETE USING (jury.may_settle(application_id));

ALTER TABLE overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY overrides_read ON overrides FOR SELECT USING (
    (SELECT jury.reads_all())
    OR ((SELECT jury.me()) IS NOT NULL
        AND (round_id, application_id) NOT IN (SELECT * FROM jury.hidden_pairs())));
CREATE POLICY overrides_insert ON overrides FOR INSERT
    WITH CHECK (jury.may_settle(application_id));
CREATE POLICY overrides_update ON overrides FOR UPDATE
    USING (jury.may_settle(application_id)) WITH CHECK (jury.may_settle(application_id));
CREATE POLICY overrides_delete ON overrides FOR DELETE USING (jury.may_settle(application_id));

ALTER TABLE decisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY decisions_read ON decisions FOR SELECT USING (
    (SELECT jury.reads_all())
    OR ((SELECT jury.me()) IS NOT NULL
        AND (round_id, application_id) NOT IN (SELECT * FROM jury.hidden_pairs())));
CREATE POLICY decisions_insert ON decisions FOR INSERT
    WITH CHECK (jury.may_settle(application_id));
CREATE POLICY decisions_update ON decisions FOR UPDATE
    USING (jury.may_settle(application_id)) WITH CHECK (jury.may_settle(application_id));
CREATE POLICY decisions_delete ON decisions FOR DELETE USING (jury.may_settle(application_id));

-- What every reader reads decisions through: the outcome (and deadline)
-- of every application, its grade, score, reasons and facts only where
-- they are not hidden. A view runs as its owner, whom the policies above
-- do not bind; the mask is computed for the session's own role.
CREATE VIEW decisions_read WITH (security_barrier) AS
    SELECT d.round_id, d.application_id, d.outcome,
           CASE WHEN h.round_id IS NULL THEN d.grade END AS grade,
           CASE WHEN h.round_id IS NULL THEN d.score END AS score,
           d.due_on,
           CASE WHEN h.round_id IS NULL THEN d.rationale ELSE '' END AS rationale,
           d.decided_by, d.decided_at,
           CASE WHEN h.round_id IS NULL THEN d.facts END AS facts
    FROM decisions d
    LEFT JOIN jury.hidden_pairs() h
        ON h.round_id = d.round_id AND h.application_id = d.application_id
    WHERE (SELECT jury.me()) IS NOT NULL OR (SELECT jury.reads_all());

-- Passphrase hashes: one's own (passphrases are not how members sign in
-- on a server, but a copied panel keeps them).
ALTER TABLE member_secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_secrets_own ON member_secrets
    USING (member_id = (SELECT jury.me()) OR (SELECT jury.reads_all()))
    WITH CHECK (member_id = (SELECT jury.me()) OR (SELECT jury.operator()));

-- No secretary lifts their own recusal: their own member row (home 市州,
-- roles) and their own conflicts are the operator's to change.
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_read ON members FOR SELECT USING (true);
CREATE POLICY members_write ON members FOR ALL
    USING ((SELECT jury.operator()) OR ((SELECT jury.is_secretary()) AND id <> (SELECT jury.me())))
    WITH CHECK ((SELECT jury.operator()) OR ((SELECT jury.is_secretary()) AND id <> (SELECT jury.me())));

ALTER TABLE conflicts ENABLE ROW LEVEL SECURITY;
CREATE POLICY conflicts_read ON conflicts FOR SELECT USING (true);
CREATE POLICY conflicts_write ON conflicts FOR ALL
    USING ((SELECT jury.operator()) OR ((SELECT jury.is_secretary()) AND member_id <> (SELECT jury.me())))
    WITH CHECK ((SELECT jury.operator()) OR ((SELECT jury.is_secretary()) AND member_id <> (SELECT jury.me())));

-- The audit log: each entry as its row may be read; appended only as
-- oneself. Its head (to extend the chain) is readable by every writer
-- through `audit_head`, which runs as the owner.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT
    USING (jury.audit_visible(entity, key));
CREATE POLICY audit_log_append ON audit_log FOR INSERT
    WITH CHECK ((SELECT jury.operator()) OR actor = (SELECT jury.me()));

CREATE VIEW audit_head AS
    SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1;

-- How far each review has come, for everyone's progress counts: its status
-- only, as on SQLite (migration 0008).
CREATE VIEW review_progress AS
    SELECT round_id, member_id, application_id, status FROM reviews
    WHERE (SELECT jury.me()) IS NOT NULL OR (SELECT jury.reads_all());
