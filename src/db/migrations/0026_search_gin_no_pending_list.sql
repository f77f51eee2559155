-- The search's GIN indexes without a list of pending entries (issue 22). With PostgreSQL's default
-- (fastupdate on) a write to a GIN index only appends its entries to the index's pending list, and
-- every scan of the index reads that whole list, entry by entry, until a vacuum (or the list passing
-- gin_pending_list_limit, 4 MB) moves it into the index proper. The search tables change only with
-- content: every start rewrote a few documents, an edit a few more, and the bulk of the vocabulary
-- (search_words) is written once; autovacuum comes after a thousand or more changed rows, so the
-- list stayed, and every search and every spelling correction read it. Measured on the bench's
-- database after a load and some starts (10 connections): 100 pending pages in the main index and
-- 279 in the vocabulary's trigrams; emptied, PostgreSQL's CPU per request went from 1.74 to 1.46 ms.
--
-- Off, a write puts its entries in the index itself (slower writes, which are rare here), and the
-- list already there is moved in now.
ALTER INDEX search_documents_tsv_idx SET (fastupdate = false);
--> statement-breakpoint
ALTER INDEX search_documents_name_tsv_idx SET (fastupdate = false);
--> statement-breakpoint
ALTER INDEX search_documents_head_tsv_idx SET (fastupdate = false);
--> statement-breakpoint
ALTER INDEX search_documents_title_trgm_idx SET (fastupdate = false);
--> statement-breakpoint
ALTER INDEX search_words_trgm_idx SET (fastupdate = false);
--> statement-breakpoint
SELECT gin_clean_pending_list(i) FROM unnest(array[
  'search_documents_tsv_idx', 'search_documents_name_tsv_idx', 'search_documents_head_tsv_idx',
  'search_documents_title_trgm_idx', 'search_words_trgm_idx'
]::regclass[]) AS i;
