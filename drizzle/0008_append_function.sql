-- The engine's group commit in one function: the events of several meetings, their projections and
-- the fencing against each meeting's lease, as one statement (docs/architecture.md, "Several
-- servers"). In a function, PostgreSQL plans the statement once per connection and keeps the plan;
-- sent as a query, it was planned again on every commit, which cost more than the commit itself
-- for a handful of events. A unique violation (a position or conference ID taken first) fails the
-- call as it failed the statement, and the caller retries one meeting at a time.
CREATE FUNCTION lobby_append_events(
	p_owner text,
	p_lease_ms integer,
	p_leases jsonb,
	p_rows jsonb,
	p_latest jsonb
) RETURNS TABLE (appended_meeting_id text)
LANGUAGE plpgsql AS $fn$
BEGIN
	RETURN QUERY
	WITH leases AS (
		SELECT * FROM jsonb_to_recordset(p_leases) AS k(meeting_id text, token bigint, opens boolean)
	),
	opened AS (
		INSERT INTO meeting_leases (meeting_id, owner, token, expires_at)
		SELECT k.meeting_id, p_owner, k.token, now() + p_lease_ms * interval '1 millisecond'
		FROM leases k WHERE k.opens
		ON CONFLICT (meeting_id) DO NOTHING
		RETURNING meeting_leases.meeting_id
	),
	held AS (
		SELECT l.meeting_id FROM meeting_leases l
		JOIN leases k ON k.meeting_id = l.meeting_id
		WHERE l.owner = p_owner AND l.token = k.token
		FOR SHARE OF l
	),
	allowed AS (SELECT h.meeting_id FROM held h UNION SELECT o.meeting_id FROM opened o),
	appended AS (
		INSERT INTO meeting_events (meeting_id, seq, type, data, at)
		SELECT r.meeting_id, r.seq, r.type, r.data, r.at
		FROM jsonb_to_recordset(p_rows) AS r(meeting_id text, seq integer, type text, data jsonb, at timestamptz)
		WHERE r.meeting_id IN (SELECT a.meeting_id FROM allowed a)
		RETURNING 1
	),
	projected AS (
		INSERT INTO meetings (id, tenant_id, conference_id, organizer_id, organizer_name, status,
			lobby_size, participant_count, locked, last_seq, opened_at, started_at, ended_at)
		SELECT p.id, p."tenantId", p."conferenceId", p."organizerId", p."organizerName", p.status,
			p."lobbySize", p."participantCount", p.locked, p."lastSeq", p."openedAt", p."startedAt", p."endedAt"
		FROM jsonb_to_recordset(p_latest) AS p(id text, "tenantId" text, "conferenceId" text,
			"organizerId" text, "organizerName" text, status text, "lobbySize" integer,
			"participantCount" integer, locked boolean, "lastSeq" integer, "openedAt" timestamptz,
			"startedAt" timestamptz, "endedAt" timestamptz)
		WHERE p.id IN (SELECT a.meeting_id FROM allowed a) AND (SELECT count(*) FROM appended) >= 0
		ON CONFLICT (id) DO UPDATE SET
			status = excluded.status,
			lobby_size = excluded.lobby_size,
			participant_count = excluded.participant_count,
			locked = excluded.locked,
			last_seq = excluded.last_seq,
			started_at = excluded.started_at,
			ended_at = excluded.ended_at
		RETURNING 1
	)
	SELECT a.meeting_id FROM allowed a WHERE (SELECT count(*) FROM projected) >= 0;
END
$fn$;
