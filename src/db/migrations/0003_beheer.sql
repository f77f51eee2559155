CREATE TABLE "revisions" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"ref" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"author_id" integer,
	"action" text DEFAULT 'opgeslagen' NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "revisions_kind_valid" CHECK ("revisions"."kind" in ('theme', 'organisation', 'source'))
);
--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "check_status" integer;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "check_result" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "redirect_to" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "check_error" text;--> statement-breakpoint
ALTER TABLE "revisions" ADD CONSTRAINT "revisions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "revisions_subject_idx" ON "revisions" USING btree ("kind","ref","id");--> statement-breakpoint
ALTER TABLE "sources" ADD CONSTRAINT "sources_check_result_valid" CHECK ("sources"."check_result" is null or "sources"."check_result" in ('ok', 'redirect', 'broken', 'unreachable'));