ALTER TABLE "audit_log" ADD COLUMN "subject_kind" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "subject_id" integer;--> statement-breakpoint
-- Rows before 0014 named their subject in free text only. Each pattern the code wrote becomes a kind and an id,
-- and the text becomes a label a person can read: the name or title the row recorded then, else today's, else
-- empty (the log then says "thema 12"). What cannot be resolved (a training slug or an e-mail address that no
-- longer exists) keeps its text and no kind.
UPDATE "audit_log" SET "subject_kind" = 'organisation', "subject_id" = substring("subject" from '^organisatie ([0-9]{1,9})$')::integer WHERE "subject" ~ '^organisatie [0-9]{1,9}$';--> statement-breakpoint
UPDATE "audit_log" SET "subject_kind" = 'theme', "subject_id" = substring("subject" from '^(?:theme:|thema )([0-9]{1,9})$')::integer WHERE "subject" ~ '^(theme:|thema )[0-9]{1,9}$';--> statement-breakpoint
UPDATE "audit_log" SET "subject_kind" = 'source', "subject_id" = substring("subject" from '^(?:source:|bron )([0-9]{1,9})$')::integer WHERE "subject" ~ '^(source:|bron )[0-9]{1,9}$';--> statement-breakpoint
UPDATE "audit_log" SET "subject_kind" = 'session', "subject_id" = substring("subject" from '^sessie ([0-9]{1,9})$')::integer WHERE "subject" ~ '^sessie [0-9]{1,9}$';--> statement-breakpoint
UPDATE "audit_log" SET "subject_kind" = 'registration', "subject_id" = substring("subject" from '^registratie ([0-9]{1,9})$')::integer WHERE "subject" ~ '^registratie [0-9]{1,9}$';--> statement-breakpoint
UPDATE "audit_log" a SET "subject_kind" = 'training', "subject_id" = t."id", "subject" = t."title" FROM "trainings" t WHERE a."action" LIKE 'training.%' AND a."subject_kind" IS NULL AND t."slug" = a."subject";--> statement-breakpoint
UPDATE "audit_log" a SET "subject_kind" = 'user', "subject_id" = u."id" FROM "users" u WHERE a."action" ~ '^(user\.|login)' AND a."subject_kind" IS NULL AND u."email" = lower(a."subject");--> statement-breakpoint
UPDATE "audit_log" SET "subject_kind" = 'bundle' WHERE "action" LIKE 'bundle.%' AND "subject_kind" IS NULL;--> statement-breakpoint
UPDATE "audit_log" a SET "subject" = coalesce(nullif(a."details"->>'name', ''), (SELECT o."name" FROM "organisations" o WHERE o."id" = a."subject_id"), '') WHERE a."subject_kind" = 'organisation';--> statement-breakpoint
UPDATE "audit_log" a SET "subject" = coalesce(nullif(a."details"->>'title', ''), (SELECT t."title" FROM "themes" t WHERE t."id" = a."subject_id"), '') WHERE a."subject_kind" = 'theme';--> statement-breakpoint
UPDATE "audit_log" a SET "subject" = coalesce(nullif(a."details"->>'title', ''), (SELECT s."title" FROM "sources" s WHERE s."id" = a."subject_id"), '') WHERE a."subject_kind" = 'source';--> statement-breakpoint
UPDATE "audit_log" a SET "subject" = coalesce((SELECT '‘' || t."title" || '’ op ' || to_char(s."starts_at" AT TIME ZONE 'Europe/Amsterdam', 'FMDD-FMMM-YYYY') FROM "training_sessions" s JOIN "trainings" t ON t."id" = s."training_id" WHERE s."id" = a."subject_id"), '') WHERE a."subject_kind" = 'session';--> statement-breakpoint
UPDATE "audit_log" SET "subject" = 'aanmelding ' || "subject_id" WHERE "subject_kind" = 'registration';--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject_kind","subject_id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_subject_kind_valid" CHECK ("subject_kind" is null or "subject_kind" in ('theme', 'organisation', 'source', 'training', 'session', 'registration', 'user', 'bundle'));--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_subject_id_has_kind" CHECK ("audit_log"."subject_id" is null or "audit_log"."subject_kind" is not null);
