CREATE TABLE "organisations" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"description" text NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"website" text DEFAULT '' NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"municipalities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"themes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published" boolean DEFAULT true NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_slug_format" CHECK ("organisations"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "organisations_type_valid" CHECK ("type" in ('JGZ', 'kraamzorg', 'verloskunde', 'kinderopvang', 'onderwijs', 'wijkteam', 'huisarts', 'jeugdhulp', 'Veilig Thuis', 'GGZ', 'politie', 'anders')),
	CONSTRAINT "organisations_name_length" CHECK (char_length("organisations"."name") between 2 and 150),
	CONSTRAINT "organisations_website_https" CHECK ("organisations"."website" = '' or "organisations"."website" ~ '^https://'),
	CONSTRAINT "organisations_email_lower" CHECK ("organisations"."email" = lower("organisations"."email")),
	CONSTRAINT "organisations_lists" CHECK (jsonb_typeof("organisations"."municipalities") = 'array' and jsonb_typeof("organisations"."themes") = 'array')
);
--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_slug_key" ON "organisations" USING btree ("slug");