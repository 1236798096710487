-- The mail sender (issue 12): claims with a lease, the Message-ID fixed
-- at the first claim, retries with backoff, bounces marked on the
-- address they came from, throttling per receiving domain and overall.

-- The receiving domain, for throttling; the Message-ID, set once at the
-- first claim so a message sent again after a lost lease carries the
-- same id and a receiver can drop the copy; the opt-out URL of a mail
-- to a respondent (a secret like the body, purged with it); bounced_at
-- when the server refused it for good (5xx).
ALTER TABLE outbox
    ADD COLUMN domain text GENERATED ALWAYS AS
	(lower(split_part(to_addr, '@', 2))) STORED,
    ADD COLUMN message_id text UNIQUE,
    ADD COLUMN unsubscribe_url text,
    ADD COLUMN bounced_at timestamptz,
    ADD COLUMN sender text;
-- Every mail to a respondent carries one-click opt-out (RFC 8058) until
-- it has gone or failed and its secrets are purged.
ALTER TABLE outbox ADD CONSTRAINT outbox_respondent_unsubscribe CHECK
    (kind NOT IN ('personal_invite', 'personal_remind') OR
     unsubscribe_url IS NOT NULL OR sent_at IS NOT NULL OR
     failed_at IS NOT NULL);

-- Where a bounce lands: the contact person, the personal invitation, or
-- the unit's postmottak. Reminders (to come) skip a bounced address.
ALTER TABLE contact ADD COLUMN bounced_at timestamptz;
ALTER TABLE invitation ADD COLUMN bounced_at timestamptz;
ALTER TABLE unit ADD COLUMN postmottak_bounced_at timestamptz;

-- The sender's settings, one row. Rates of 0 mean no limit.
--   domain_per_minute  messages per receiving domain per minute (public
--                      postmottak and hospital gateways throttle senders)
--   global_per_second  all senders together; bursts up to one second
--   lease_seconds      how long a claim holds a message; longer than
--                      the SMTP timeout, so a live sender never loses one
--   retry_base_seconds first retry after a temporary failure; doubling
--   retry_cap_seconds  up to this, each with jitter (half to all of it)
--   max_attempts       then the message is given up (failed, not bounced)
CREATE TABLE mail_setting (
	one			boolean PRIMARY KEY DEFAULT true CHECK (one),
	domain_per_minute	integer NOT NULL DEFAULT 60
				    CHECK (domain_per_minute >= 0),
	global_per_second	integer NOT NULL DEFAULT 20
				    CHECK (global_per_second >= 0),
	lease_seconds		integer NOT NULL DEFAULT 300
				    CHECK (lease_seconds > 0),
	retry_base_seconds	integer NOT NULL DEFAULT 60
				    CHECK (retry_base_seconds > 0),
	retry_cap_seconds	integer NOT NULL DEFAULT 3600
				    CHECK (retry_cap_seconds > 0),
	max_attempts		integer NOT NULL DEFAULT 20
				    CHECK (max_attempts > 0),
	-- The global token bucket, shared by every sender.
	tokens			double precision NOT NULL DEFAULT 0,
	refilled_at		timestamptz NOT NULL DEFAULT now()
);
INSERT INTO mail_setting DEFAULT VALUES;

-- Per receiving domain: an optional limit of its own and when the next
-- message to it may go. Shared by every sender.
CREATE TABLE mail_domain (
	domain		text PRIMARY KEY,
	per_minute	integer CHECK (per_minute >= 0),
	next_at		timestamptz NOT NULL DEFAULT '-infinity'
);

-- Claims up to p_max due messages for sender p_sender: each one's lease
-- is its send_after (so a claimed message is not due until the lease
-- runs out), attempts counts the claim and is the claim's token for the
-- marks that follow. Skips rows other senders hold (SKIP LOCKED) and
-- domains whose next slot has not come; takes one slot per message from
-- its domain and one token per message from the global bucket.
CREATE FUNCTION svar_mail_claim(p_sender text, p_max integer, p_host text)
RETURNS TABLE (id bigint, kind text, to_addr text, subject text,
    body text, message_id text, attempts integer, unsubscribe_url text)
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
	s	mail_setting;
	r	record;
	take	integer;
	n	integer := 0;
	got	integer;
	lease	interval;
BEGIN
	SELECT * INTO s FROM mail_setting;
	take := p_max;
	IF s.global_per_second > 0 THEN
		-- The row lock makes the bucket one for all senders.
		SELECT * INTO s FROM mail_setting FOR UPDATE;
		s.tokens := least(s.global_per_second::double precision,
		    s.tokens + s.global_per_second * extract(epoch FROM
		    clock_timestamp() - s.refilled_at));
		take := least(p_max, floor(s.tokens)::integer);
		IF take < 1 THEN
			UPDATE mail_setting SET tokens = s.tokens,
			    refilled_at = clock_timestamp();
			RETURN;
		END IF;
	END IF;
	lease := s.lease_seconds * interval '1 second';
	FOR r IN SELECT o.id AS oid, o.domain AS dom FROM outbox o
	    WHERE o.sent_at IS NULL AND o.failed_at IS NULL
	      AND o.send_after <= now()
	      AND (s.domain_per_minute = 0 OR NOT EXISTS (SELECT FROM
		   mail_domain d WHERE d.domain = o.domain AND
		   d.next_at > now()))
	    ORDER BY o.send_after, o.id LIMIT take * 4
	    FOR UPDATE OF o SKIP LOCKED
	LOOP
		EXIT WHEN n >= take;
		IF s.domain_per_minute > 0 THEN
			-- One sender wins the slot; another waiting on the row
			-- re-checks next_at after the first commits and skips.
			INSERT INTO mail_domain AS d (domain, next_at)
			VALUES (r.dom, now() + interval '1 minute' /
			    s.domain_per_minute)
			ON CONFLICT (domain) DO UPDATE SET next_at = now() +
			    CASE WHEN coalesce(d.per_minute,
				s.domain_per_minute) = 0 THEN interval '0'
			    ELSE interval '1 minute' / coalesce(d.per_minute,
				s.domain_per_minute) END
			WHERE d.next_at <= now();
			GET DIAGNOSTICS got = ROW_COUNT;
			CONTINUE WHEN got = 0;
		END IF;
		n := n + 1;
		RETURN QUERY UPDATE outbox o SET send_after = now() + lease,
		    locked_until = now() + lease, attempts = o.attempts + 1,
		    sender = p_sender, message_id = coalesce(o.message_id,
		    '<' || gen_random_uuid() || '@' || p_host || '>')
		    WHERE o.id = r.oid RETURNING o.id, o.kind, o.to_addr,
		    o.subject, o.body, o.message_id, o.attempts,
		    o.unsubscribe_url;
	END LOOP;
	IF s.global_per_second > 0 THEN
		UPDATE mail_setting SET tokens = s.tokens - n,
		    refilled_at = clock_timestamp();
	END IF;
END $$;

-- A temporary failure: due again after the backoff for this attempt,
-- doubling from retry_base_seconds up to retry_cap_seconds, each delay
-- drawn from its upper half so senders that failed together do not
-- come back together. A message the server refused for the moment
-- (4xx) is given up after max_attempts; one that never reached a server
-- (refused connection, timeout) is not, so a mail server that is down
-- for any time delays mail and loses none. Only the claim that
-- holds it (p_attempts) may reschedule it. 'retry', 'failed' or ''.
CREATE FUNCTION svar_mail_retry(p_id bigint, p_attempts integer,
    p_error text, p_may_give_up boolean)
RETURNS text LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	s	mail_setting;
	delay	double precision;
BEGIN
	SELECT * INTO s FROM mail_setting;
	IF p_may_give_up AND p_attempts >= s.max_attempts THEN
		UPDATE outbox SET failed_at = now(), locked_until = NULL,
		    last_error = p_error, body = '', unsubscribe_url = NULL
		 WHERE id = p_id AND attempts = p_attempts AND sent_at IS NULL;
		RETURN CASE WHEN FOUND THEN 'failed' ELSE '' END;
	END IF;
	delay := least(s.retry_cap_seconds::double precision,
	    s.retry_base_seconds * power(2, p_attempts - 1));
	delay := delay * (0.5 + random() / 2);
	UPDATE outbox SET send_after = now() + delay * interval '1 second',
	    locked_until = NULL, last_error = p_error
	 WHERE id = p_id AND attempts = p_attempts AND sent_at IS NULL;
	RETURN CASE WHEN FOUND THEN 'retry' ELSE '' END;
END $$;

-- A permanent failure (5xx): the message fails, its secrets go, and the
-- address is marked where it came from, so no further mail goes to it
-- and the admin sees it. Runs as the owner: the sender may not read or
-- change contacts, invitations or units otherwise.
CREATE FUNCTION svar_mail_bounce(p_id bigint, p_attempts integer,
    p_error text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
	o	outbox;
BEGIN
	UPDATE outbox SET failed_at = now(), bounced_at = now(),
	    locked_until = NULL, last_error = p_error, body = '',
	    unsubscribe_url = NULL
	 WHERE id = p_id AND attempts = p_attempts AND sent_at IS NULL
	RETURNING * INTO o;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	IF o.invitation_id IS NOT NULL THEN
		UPDATE invitation SET bounced_at = now()
		 WHERE id = o.invitation_id AND lower(email) = lower(o.to_addr);
	END IF;
	IF o.wave_unit_id IS NOT NULL THEN
		UPDATE contact SET bounced_at = now()
		 WHERE wave_unit_id = o.wave_unit_id
		   AND lower(email) = lower(o.to_addr);
		UPDATE unit u SET postmottak_bounced_at = now()
		  FROM wave_unit wu WHERE wu.id = o.wave_unit_id
		   AND u.id = wu.unit_id
		   AND lower(u.postmottak) = lower(o.to_addr);
	END IF;
	RETURN true;
END $$;

REVOKE ALL ON FUNCTION svar_mail_claim, svar_mail_retry, svar_mail_bounce
    FROM PUBLIC;

-- svar_mail: the outbox rows it sends and nothing else of them to
-- change; the throttle state; the bounce only through the function.
REVOKE ALL ON outbox FROM svar_mail;
GRANT SELECT ON outbox TO svar_mail;
GRANT UPDATE (send_after, locked_until, attempts, sender, message_id,
    sent_at, failed_at, last_error, body, unsubscribe_url) ON outbox
    TO svar_mail;
GRANT SELECT ON mail_setting TO svar_mail;
GRANT UPDATE (tokens, refilled_at) ON mail_setting TO svar_mail;
GRANT SELECT, INSERT, UPDATE (next_at) ON mail_domain TO svar_mail;
GRANT EXECUTE ON FUNCTION svar_mail_claim(text, integer, text),
    svar_mail_retry(bigint, integer, text, boolean),
    svar_mail_bounce(bigint, integer, text) TO svar_mail;

-- svar_admin: sees bounces and the settings, and may set them.
GRANT SELECT ON mail_setting, mail_domain TO svar_admin;
GRANT UPDATE (domain_per_minute, global_per_second) ON mail_setting
    TO svar_admin;
GRANT INSERT, UPDATE (per_minute) ON mail_domain TO svar_admin;
