-- What a document is, searchable as if it stood beside its title (issue 22): its kind as its result
-- shows it ("Training", "Organisatie") and, for an organisation, its type ("Huisarts"). Before, a
-- professional typing "training" got the themes that mention training first, and "huisarts" the pages
-- that name the GP in passing before the practice itself, whose type was only a label (weight D,
-- ranked with the body). Audience, address, municipalities and theme tags stay labels: they say for
-- whom, where or about what, not what the document is.
--
-- A generated column's expression cannot be altered before PostgreSQL 17, so both index entries are
-- made anew (with their indexes); the writers fill the new column at the next start (search format 3).
ALTER TABLE "search_documents" ADD COLUMN "category" text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE "search_documents" DROP COLUMN "tsv";
--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(category, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(body, '')), 'C') || setweight(to_tsvector('dutch'::regconfig, coalesce(labels, '')), 'D')) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "search_documents_tsv_idx" ON "search_documents" USING gin ("tsv");
--> statement-breakpoint
ALTER TABLE "search_documents" DROP COLUMN "head_tsv";
--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "head_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(category, '')), 'B')) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "search_documents_head_tsv_idx" ON "search_documents" USING gin ("head_tsv");
