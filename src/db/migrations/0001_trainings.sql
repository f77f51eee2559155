CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"registration_id" integer NOT NULL,
	"purpose" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "registration_tokens_purpose" CHECK ("registration_tokens"."purpose" in ('confirm', 'manage'))
);
--> statement-breakpoint
CREATE TABLE "registrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"session_id" integer NOT NULL,
	"name" text,
	"email" text,
	"organisation" text,
	"role" text,
	"status" text NOT NULL,
	"hold_expires_at" timestamp with time zone,
	"offer_expires_at" timestamp with time zone,
	"waitlisted_at" timestamp with time zone,
	"attended" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"anonymised_at" timestamp with time zone,
	CONSTRAINT "registrations_status" CHECK ("registrations"."status" in ('held', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'expired')),
	CONSTRAINT "registrations_email_lower" CHECK ("registrations"."email" is null or "registrations"."email" = lower("registrations"."email"))
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"registration_id" integer NOT NULL,
	"days_before" integer NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminders_registration_id_days_before_pk" PRIMARY KEY("registration_id","days_before")
);
--> statement-breakpoint
CREATE TABLE "training_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"training_id" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"location" text NOT NULL,
	"online" boolean DEFAULT false NOT NULL,
	"capacity" integer NOT NULL,
	"registration_opens_at" timestamp with time zone NOT NULL,
	"registration_closes_at" timestamp with time zone NOT NULL,
	"cancel_until" timestamp with time zone NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'gepland' NOT NULL,
	"ics_sequence" integer DEFAULT 0 NOT NULL,
	"certificates_sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_sessions_capacity" CHECK ("training_sessions"."capacity" between 1 and 10000),
	CONSTRAINT "training_sessions_times" CHECK ("training_sessions"."ends_at" > "training_sessions"."starts_at"),
	CONSTRAINT "training_sessions_window" CHECK ("training_sessions"."registration_closes_at" > "training_sessions"."registration_opens_at"),
	CONSTRAINT "training_sessions_status" CHECK ("training_sessions"."status" in ('gepland', 'geannuleerd'))
);
--> statement-breakpoint
CREATE TABLE "trainings" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"description_md" text DEFAULT '' NOT NULL,
	"audience" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"themes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"duration_hours" integer NOT NULL,
	"accreditation" text DEFAULT '' NOT NULL,
	"published" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trainings_slug_format" CHECK ("trainings"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "trainings_duration_positive" CHECK ("trainings"."duration_hours" between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "attachments" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "registration_tokens" ADD CONSTRAINT "registration_tokens_registration_id_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_registration_id_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_training_id_trainings_id_fk" FOREIGN KEY ("training_id") REFERENCES "public"."trainings"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "registration_tokens_reg_idx" ON "registration_tokens" USING btree ("registration_id");--> statement-breakpoint
CREATE INDEX "registrations_session_idx" ON "registrations" USING btree ("session_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "registrations_one_active" ON "registrations" USING btree ("session_id","email") WHERE "registrations"."status" in ('held', 'confirmed', 'waitlisted', 'offered');--> statement-breakpoint
CREATE INDEX "training_sessions_training_idx" ON "training_sessions" USING btree ("training_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trainings_slug_key" ON "trainings" USING btree ("slug");