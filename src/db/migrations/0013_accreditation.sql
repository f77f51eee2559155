CREATE TABLE "attendance_proofs" (
	"id" serial PRIMARY KEY NOT NULL,
	"registration_id" integer,
	"session_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"register" text,
	"register_number" text,
	"training_title" text NOT NULL,
	"session_date" timestamp with time zone NOT NULL,
	"hours" integer NOT NULL,
	"points" integer,
	"accreditation_id" text,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"keep_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluation_invites" (
	"registration_id" integer PRIMARY KEY NOT NULL,
	"session_id" integer NOT NULL,
	"token_hash" text,
	"expires_at" timestamp with time zone NOT NULL,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "evaluation_responses" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"session_id" integer NOT NULL,
	"answers" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_registers" (
	"training_id" integer NOT NULL,
	"register" text NOT NULL,
	"points" integer NOT NULL,
	"accreditation_id" text DEFAULT '' NOT NULL,
	CONSTRAINT "training_registers_training_id_register_pk" PRIMARY KEY("training_id","register"),
	CONSTRAINT "training_registers_register_valid" CHECK ("register" in ('vvn', 'skj', 'registerplein', 'big', 'knov', 'kckz')),
	CONSTRAINT "training_registers_points" CHECK ("training_registers"."points" between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "attendance" text;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "checked_in_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "register" text;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "register_number" text;--> statement-breakpoint
ALTER TABLE "trainings" ADD COLUMN "evaluation_questions" jsonb;--> statement-breakpoint
ALTER TABLE "attendance_proofs" ADD CONSTRAINT "attendance_proofs_registration_id_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_proofs" ADD CONSTRAINT "attendance_proofs_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_invites" ADD CONSTRAINT "evaluation_invites_registration_id_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_invites" ADD CONSTRAINT "evaluation_invites_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_responses" ADD CONSTRAINT "evaluation_responses_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_registers" ADD CONSTRAINT "training_registers_training_id_trainings_id_fk" FOREIGN KEY ("training_id") REFERENCES "public"."trainings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attendance_proofs_code_key" ON "attendance_proofs" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "attendance_proofs_registration_key" ON "attendance_proofs" USING btree ("registration_id");--> statement-breakpoint
CREATE INDEX "attendance_proofs_session_idx" ON "attendance_proofs" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "attendance_proofs_keep_idx" ON "attendance_proofs" USING btree ("keep_until");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_invites_token_key" ON "evaluation_invites" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "evaluation_invites_session_idx" ON "evaluation_invites" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "evaluation_responses_session_idx" ON "evaluation_responses" USING btree ("session_id");--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_attendance" CHECK ("registrations"."attendance" is null or "registrations"."attendance" in ('aanwezig', 'deels', 'afwezig'));--> statement-breakpoint
-- Attendance marked before 0013 was a yes/no: a yes becomes full attendance (the certificate's condition).
UPDATE "registrations" SET "attendance" = 'aanwezig' WHERE "attended";--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_attended_full" CHECK ("registrations"."attended" = ("registrations"."attendance" is not distinct from 'aanwezig'));--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_register_valid" CHECK ("register" is null or "register" in ('vvn', 'skj', 'registerplein', 'big', 'knov', 'kckz'));--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_register_number" CHECK (("registrations"."register" is null) = ("registrations"."register_number" is null));