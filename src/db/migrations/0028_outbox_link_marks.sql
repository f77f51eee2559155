-- Personal-link placeholders end in a random mark (src/mail/outbox.ts, linkPlaceholder), so that a
-- placeholder typed into a name, a message or a place is never filled: the sender used to fill
-- any text of the shape {link:purpose:ref:expiry}, and a registrant named
-- "{link:manage:12:0}" was mailed a working link to registration 12 (or, with invite or reset, to
-- a staff account's login token). The sender now fills only placeholders with a mark.
--
-- Mails already waiting (pending or failed, not yet sent) hold placeholders of the form before the
-- marks. Those a mail may hold get a mark, so their links still work: in a mail about a
-- registration, a confirm, manage or evaluate link to that registration (or to 0, the one it was
-- stored with); in any other mail (an invitation, a password reset), an invite or reset link. Every
-- other placeholder in them is made inert, as the sender now stores typed ones ("{ link:").
UPDATE outbox SET
  text = regexp_replace(
    CASE WHEN registration_id IS NOT NULL
      THEN regexp_replace(text, '\{link:(confirm|manage|evaluate):(0|' || registration_id || '):(\d+)\}', '{link:\1:\2:\3:000000000000}', 'g')
      ELSE regexp_replace(text, '\{link:(invite|reset):(\d+):(\d+)\}', '{link:\1:\2:\3:000000000000}', 'g')
    END,
    '\{link:([a-z]+:\d+:\d+)\}', '{ link:\1}', 'g'),
  html = regexp_replace(
    CASE WHEN registration_id IS NOT NULL
      THEN regexp_replace(html, '\{link:(confirm|manage|evaluate):(0|' || registration_id || '):(\d+)\}', '{link:\1:\2:\3:000000000000}', 'g')
      ELSE regexp_replace(html, '\{link:(invite|reset):(\d+):(\d+)\}', '{link:\1:\2:\3:000000000000}', 'g')
    END,
    '\{link:([a-z]+:\d+:\d+)\}', '{ link:\1}', 'g')
WHERE status <> 'sent' AND (text LIKE '%{link:%' OR html LIKE '%{link:%');
