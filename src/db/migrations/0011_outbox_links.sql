ALTER TABLE "login_tokens" ADD COLUMN "id" serial NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "registration_id" integer;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "restricted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_registration_id_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "login_tokens_id_key" ON "login_tokens" USING btree ("id");--> statement-breakpoint
CREATE INDEX "outbox_registration_idx" ON "outbox" USING btree ("registration_id");--> statement-breakpoint
-- Invitations already in the outbox are for beheerders' eyes only, like new ones.
UPDATE "outbox" SET "restricted" = true WHERE "subject" = 'Uitnodiging voor Hechtwerk';--> statement-breakpoint
-- Mails already handed over (or given up on) need their personal links no more: the tokens in
-- them are taken out. Pending ones keep theirs until they are sent; /beheer/mail never shows them.
UPDATE "outbox" SET
  "text" = regexp_replace("text", '(/beheer/welkom/|/trainingen/bevestigen/|/trainingen/aanmelding/)[A-Za-z0-9_-]{16,}', '\1[persoonlijke link]', 'g'),
  "html" = regexp_replace("html", '(/beheer/welkom/|/trainingen/bevestigen/|/trainingen/aanmelding/)[A-Za-z0-9_-]{16,}', '\1[persoonlijke link]', 'g')
WHERE "status" <> 'pending';
--> statement-breakpoint
-- Rate-limit keys are stored as an HMAC from now on (src/http/rate-limit.ts): the old rows named
-- e-mail and client addresses. They are counters of the last hour only.
DELETE FROM "rate_limits";
