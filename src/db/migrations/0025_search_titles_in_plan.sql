-- A search no longer plans part of itself anew every time (issue 22). PostgreSQL 15 keeps no plan
-- of an SQL function it cannot inline: a statement that calls one parses and plans the function's
-- body each time. The app called search_ranked(…, search_titles($3), …) and search_partial likewise,
-- so every search planned search_titles (0024) again, and (an IMMUTABLE function of a parameter)
-- worked it out while planning the app's statement as well as while running it. Measured on the
-- bench's queries, one connection, the database's own CPU: 1.34 ms a search before, 1.15 with
-- search_titles inside search_ranked's kept plan as a call, and less again with its body written
-- into that plan (a call costs about 0.1 ms even as plpgsql); see the closing note of this change.
--
-- So search_matches, which search_ranked and search_partial both call, makes the titles itself, in
-- its own query CTE: p_titles are the titles as typed, and the app passes them as they are. Applied
-- to its own result search_titles gives that result, so the pages are the same as before (the judged
-- queries and 3,000 bench queries, compared). search_titles stays for an app of before this change.
--
-- The spelling correction's two look-ups in the vocabulary (search_known_words, 0019, and
-- search_corrections, 0016) are SQL functions that cannot be inlined either (a SET clause); as
-- plpgsql their plans are kept per connection too.
CREATE OR REPLACE FUNCTION search_matches(p_tsq tsquery, p_titles text[], p_limit integer, p_offset integer, p_max integer)
RETURNS TABLE (kind text, ref text, ord integer, total integer)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH titles AS MATERIALIZED (
    -- The titles as typed, and each without the words the search leaves out (as search_titles,
    -- migration 0024, made them): "de meldcode" is also "meldcode".
    SELECT array(
      SELECT DISTINCT v FROM unnest(p_titles || array(
        SELECT array_to_string(array(
          SELECT x.w FROM unnest(string_to_array(t, ' ')) WITH ORDINALITY AS x(w, i)
          WHERE to_tsvector('dutch'::regconfig, x.w) <> ''::tsvector ORDER BY x.i
        ), ' ')
        FROM unnest(p_titles) AS t
      )) AS v
      WHERE v <> ''
    ) AS list
  ),
  query AS (
    SELECT p_tsq AS tsq, strpos(p_tsq::text, '!') > 0 AS negates, titles.list AS titles,
      -- "<title> …" as LIKE patterns, the title's own % and _ taken literally.
      array(SELECT replace(replace(replace(x, '\', '\\'), '%', '\%'), '_', '\_') || ' %' FROM unnest(titles.list) x) AS prefixes
    FROM titles
  ),
  titled AS (
    SELECT d.kind, d.ref, d.title, 0 AS tier,
      (ts_rank(d.title_tsv, query.tsq, 2)
        + CASE WHEN lower(d.title) = ANY (query.titles) THEN 3 WHEN lower(d.title) LIKE ANY (query.prefixes) THEN 2 ELSE 0 END
        + CASE WHEN ts_rank('{0,0,1,0}', d.name_tsv, query.tsq, 0) > 0 THEN 3 ELSE 0 END
        + ts_rank_cd('{1,1,1,1}', d.body_terms, query.tsq, 0) / 3)
        * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.name_tsv @@ query.tsq AND (NOT query.negates OR d.tsv @@ query.tsq)
    ORDER BY score DESC
    LIMIT p_max
  ),
  titled_n AS (SELECT count(*)::integer AS n FROM titled),
  head AS (
    SELECT d.kind, d.ref, d.title, 1 AS tier, ts_rank(d.head_tsv, query.tsq, 32) * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.head_tsv @@ query.tsq AND NOT d.name_tsv @@ query.tsq AND (NOT query.negates OR d.tsv @@ query.tsq)
    LIMIT (SELECT CASE WHEN n >= p_offset + p_limit THEN 0 ELSE greatest(p_max - n, 0) END FROM titled_n)
  ),
  head_n AS (SELECT count(*)::integer AS n FROM head),
  rest AS (
    SELECT d.kind, d.ref, d.title, 2 AS tier, ts_rank(d.tsv, query.tsq, 32) * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.tsv @@ query.tsq AND NOT d.head_tsv @@ query.tsq
      -- With a left-out word inside "or" ("zandloper or -kiezel") a match by name need not match its
      -- title and summary, so it could land here too and be shown twice.
      AND (NOT query.negates OR NOT d.name_tsv @@ query.tsq)
    LIMIT (SELECT CASE WHEN t.n + h.n >= p_offset + p_limit THEN 0 ELSE greatest(p_max - t.n - h.n, 0) END FROM titled_n t, head_n h)
  ),
  ranked AS (
    SELECT c.kind, c.ref, c.title, c.tier, c.score,
      -- A tier after the asked page is not ranked, only counted: every match is in exactly one tier,
      -- so the whole document's matches, up to p_max, are what all tiers hold.
      CASE WHEN (SELECT n FROM titled_n) + (SELECT n FROM head_n) >= p_offset + p_limit AND (SELECT n FROM titled_n) < p_max
        THEN (SELECT count(*)::integer FROM (SELECT 1 FROM search_documents d, query WHERE d.tsv @@ query.tsq LIMIT p_max) a)
        ELSE count(*) OVER ()::integer END AS total
    FROM (SELECT * FROM titled UNION ALL SELECT * FROM head UNION ALL SELECT * FROM rest) c
    ORDER BY c.tier, c.score DESC, c.title
    LIMIT p_limit OFFSET p_offset
  )
  SELECT r.kind, r.ref, (row_number() OVER (ORDER BY r.tier, r.score DESC, r.title))::integer, r.total
  FROM ranked r;
END
$$;

--> statement-breakpoint
CREATE OR REPLACE FUNCTION search_known_words(p_words text[]) RETURNS SETOF text
LANGUAGE plpgsql STABLE SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY SELECT s.word FROM search_words s WHERE s.word = ANY (p_words);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION search_corrections(p_words text[]) RETURNS TABLE (word text, candidate text, sim real, docs integer)
LANGUAGE plpgsql STABLE SET pg_trgm.similarity_threshold = 0.25 AS $$
BEGIN
  RETURN QUERY
  SELECT w.word, c.word, c.sim, c.docs
  FROM unnest(p_words) AS w(word)
  CROSS JOIN LATERAL (
    SELECT s.word, similarity(s.word, w.word) AS sim, s.docs
    FROM search_words s
    WHERE s.word % w.word AND s.word <> w.word
    ORDER BY sim DESC, s.docs DESC, s.word
    LIMIT 12
  ) c;
END
$$;
