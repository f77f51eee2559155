-- Personal-link placeholders end in a random mark (src/mail/outbox.ts, linkPlaceholder), so that a
-- placeholder typed into a name, a message or a place is never filled: the sender used to fill
-- any text of the shape {link:purpose:ref:expiry}, and a registrant named
-- "{link:manage:12:0}" was mailed a working link to registration 12 (or, with invite or reset, to
-- a staff account's login token). The sender now fills only placeholders with a mark.
--
-- Mails already waiting (pending or failed, not yet sent) hold placeholders of the form before the
-- marks, and may hold typed text of any shape, the new one included. So every "{link:" in them is
-- made inert first ("{ link:", as the sender now stores typed ones); then only the links such a mail
-- may hold get a mark back, so that they still work: in a mail about a registration, a confirm,
-- manage or evaluate link to that registration (or to 0, the one it was stored with); in any other
-- mail (an invitation, a password reset), an invite or reset link whose login token was made for
-- the mail's own address (a staff member's own name cannot hand out another account's).
DO $$
DECLARE
  r record;
  m text[];
  t text;
  h text;
BEGIN
  FOR r IN SELECT o.id, o."to", o.registration_id, o.text, o.html FROM outbox o
    WHERE o.status <> 'sent' AND (o.text LIKE '%{link:%' OR o.html LIKE '%{link:%')
  LOOP
    t := replace(r.text, '{link:', '{ link:');
    h := replace(r.html, '{link:', '{ link:');
    IF r.registration_id IS NOT NULL THEN
      t := regexp_replace(t, '\{ link:(confirm|manage|evaluate):(0|' || r.registration_id || '):(\d+)\}', '{link:\1:\2:\3:000000000000}', 'g');
      h := regexp_replace(h, '\{ link:(confirm|manage|evaluate):(0|' || r.registration_id || '):(\d+)\}', '{link:\1:\2:\3:000000000000}', 'g');
    ELSE
      FOR m IN SELECT regexp_matches(t || ' ' || h, '\{ link:(invite|reset):(\d+):(\d+)\}', 'g') LOOP
        IF EXISTS (SELECT 1 FROM login_tokens l WHERE l.id = m[2]::integer AND l.purpose = m[1] AND lower(l.email) = lower(r."to")) THEN
          t := replace(t, '{ link:' || m[1] || ':' || m[2] || ':' || m[3] || '}', '{link:' || m[1] || ':' || m[2] || ':' || m[3] || ':000000000000}');
          h := replace(h, '{ link:' || m[1] || ':' || m[2] || ':' || m[3] || '}', '{link:' || m[1] || ':' || m[2] || ':' || m[3] || ':000000000000}');
        END IF;
      END LOOP;
    END IF;
    UPDATE outbox SET text = t, html = h WHERE id = r.id;
  END LOOP;
END
$$;
