-- The tiers of search_ranked (0016, 0017) after the asked page are counted, no longer ranked. A page
-- is ranked title matches first, then title-or-summary matches, then the rest; before, every tier
-- was ranked up to p_max (1,001) rows even when the page lay wholly in the tier before it, only so
-- that count(*) over all of them gave the total. "hechting ouder" has 90 title matches, so its first
-- page never reaches the 911 summary matches that were fetched and ranked. Every match is in exactly
-- one tier, so the number of matches of the whole document, up to p_max, is the same total. (It was
-- not quite so before: a page matching a query with a left-out word inside "or" could be in the first
-- tier and the last, and was then shown and counted twice; the last tier now leaves title matches out.)
-- Measured over 4,000 queries of bench:search, four at a time on the PostgreSQL server: 1.20 ms of
-- server CPU per search before, 0.95 ms after; the same rows, order and totals for 1,590 queries at
-- five pages and limits each.
CREATE OR REPLACE FUNCTION search_ranked(p_groups text[], p_anyq text, p_titles text[], p_limit integer, p_offset integer, p_max integer)
RETURNS TABLE (kind text, ref text, title text, url text, summary text, total integer, passage text, passage_n integer, lead boolean, lexemes text, marks text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH query AS (
    SELECT q.tsq, websearch_to_tsquery('dutch', p_anyq) AS anyq, strpos(q.tsq::text, '!') > 0 AS negates,
      -- "<title> …" as LIKE patterns, the title's own % and _ taken literally.
      array(SELECT replace(replace(replace(x, '\', '\\'), '%', '\%'), '_', '\_') || ' %' FROM unnest(p_titles) x) AS prefixes
    FROM (SELECT search_tsquery(p_groups) AS tsq) q
  ),
  titled AS (
    SELECT d.kind, d.ref, d.title, 0 AS tier,
      (ts_rank(d.title_tsv, query.tsq, 2)
        + CASE WHEN lower(d.title) = ANY (p_titles) THEN 3 WHEN lower(d.title) LIKE ANY (query.prefixes) THEN 2 ELSE 0 END)
        * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.title_tsv @@ query.tsq AND (NOT query.negates OR d.tsv @@ query.tsq)
    ORDER BY score DESC
    LIMIT p_max
  ),
  titled_n AS (SELECT count(*)::integer AS n FROM titled),
  head AS (
    SELECT d.kind, d.ref, d.title, 1 AS tier, ts_rank(d.head_tsv, query.tsq, 32) * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.head_tsv @@ query.tsq AND NOT d.title_tsv @@ query.tsq AND (NOT query.negates OR d.tsv @@ query.tsq)
    LIMIT (SELECT CASE WHEN n >= p_offset + p_limit THEN 0 ELSE greatest(p_max - n, 0) END FROM titled_n)
  ),
  head_n AS (SELECT count(*)::integer AS n FROM head),
  rest AS (
    SELECT d.kind, d.ref, d.title, 2 AS tier, ts_rank(d.tsv, query.tsq, 32) * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.tsv @@ query.tsq AND NOT d.head_tsv @@ query.tsq
      -- With a left-out word inside "or" ("zandloper or -kiezel") a title match need not match its
      -- title and summary, so it could land here too and be shown twice.
      AND (NOT query.negates OR NOT d.title_tsv @@ query.tsq)
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
  SELECT d.kind, d.ref, d.title, d.url, d.summary, r.total,
    coalesce(p.text, d.summary), coalesce(p.n, 0), coalesce(p.lead, true), p.lexemes, query.anyq::text
  FROM ranked r
  JOIN search_documents d ON d.kind = r.kind AND d.ref = r.ref
  CROSS JOIN query
  LEFT JOIN LATERAL (
    SELECT c.text, c.n, c.lead, c.lexemes
    FROM search_passages c
    WHERE c.kind = r.kind AND c.ref = r.ref AND c.tsv @@ query.anyq
    ORDER BY c.tsv @@ query.tsq DESC, c.n
    LIMIT 1
  ) p ON true
  ORDER BY r.tier, r.score DESC, r.title;
END
$$;
