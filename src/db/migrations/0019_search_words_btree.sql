-- Exact look-ups in the vocabulary through its primary key, not its trigram index. pg_trgm's GIN
-- index also answers "word = …" (PostgreSQL 14+), and the planner, which cannot see how many words a
-- trigger's transition table or a list holds, chose it: every word probed the posting lists of its
-- trigrams, about 2 ms each. Deleting one long document (1,004 distinct words) took 2.1 s in the
-- trigger, more than the 5 s statement limit on a busy machine; the lookup of a query's known words
-- took 5 ms instead of a few hundredths. A GIN index is read by bitmap scans only, so with those off
-- in these two functions the planner takes the B-tree; the trigram index still serves similarity.
ALTER FUNCTION search_words_sync() SET enable_bitmapscan = off;
--> statement-breakpoint
CREATE FUNCTION search_known_words(p_words text[]) RETURNS SETOF text
LANGUAGE sql STABLE SET enable_bitmapscan = off AS $$
  SELECT word FROM search_words WHERE word = ANY (p_words)
$$;
