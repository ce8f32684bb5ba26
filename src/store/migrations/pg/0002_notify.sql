-- jury on PostgreSQL, schema version 2: open screens learn of others'
-- changes through LISTEN/NOTIFY instead of polling. Every change another
-- screen must show is an audit entry, so one statement-level trigger on the
-- log tells listeners "something changed" with an empty payload: anything
-- more (an application's id) would reach members recused from it, since
-- notifications are visible to every listener whatever their rights.
CREATE FUNCTION jury_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jury_changed', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION jury_notify_change();
