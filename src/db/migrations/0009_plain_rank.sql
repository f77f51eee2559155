-- Rank by ts_rank instead of ts_rank_cd. Both weigh title (A) above summary (B) above body (C);
-- ts_rank_cd also measures how close the words stand, which costs 2 to 2.5 times as much per match
-- (bench:search, PGlite, 1,001 matches: "kind" 2.5 → 1.1 ms, "kind ouder" 4.6 → 2.6 ms).
CREATE OR REPLACE FUNCTION search_page(p_q text, p_anyq text, p_limit integer, p_offset integer, p_max integer, p_options text)
RETURNS TABLE (kind text, title text, url text, summary text, total integer, headline text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH query AS (SELECT websearch_to_tsquery('dutch', p_q) AS tsq, websearch_to_tsquery('dutch', p_anyq) AS anyq),
  matches AS (
    SELECT d.kind, d.ref, d.title, ts_rank(d.tsv, query.tsq, 32) AS rank
    FROM search_documents d, query WHERE d.tsv @@ query.tsq LIMIT p_max
  ),
  ranked AS (
    SELECT m.kind, m.ref, m.title, m.rank, count(*) OVER ()::integer AS total
    FROM matches m
    ORDER BY m.rank DESC, m.title
    LIMIT p_limit OFFSET p_offset
  )
  SELECT d.kind, d.title, d.url, d.summary, r.total,
    ts_headline('dutch', coalesce(p.text, d.summary), CASE WHEN p.whole THEN query.tsq ELSE query.anyq END, p_options)
  FROM ranked r
  JOIN search_documents d ON d.kind = r.kind AND d.ref = r.ref
  CROSS JOIN query
  LEFT JOIN LATERAL (
    SELECT c.text, c.tsv @@ query.tsq AS whole
    FROM search_passages c
    WHERE c.kind = r.kind AND c.ref = r.ref AND c.tsv @@ query.anyq
    ORDER BY whole DESC, c.n
    LIMIT 1
  ) p ON true
  ORDER BY r.rank DESC, r.title;
END
$$;
