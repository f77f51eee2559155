-- Own pages before other sites' pages. Within each tier of search_ranked (0016), a match's score is
-- multiplied by how much the network's own kind of page is what a professional searching this site
-- came for: its tools (the Meldcode guide, the signalenlijst) first, then its themes, then its
-- organisations and trainings, then the pages of other sites (sources), which each theme also cites.
-- So "meldcode" leads to the guide before the Rijksoverheid page of the same name, and "Veilig Thuis"
-- to its page in the network before its own site. The tiers stay as they were: a title match still
-- ranks above a summary or body match, so a broad query keeps its true top ten.
CREATE FUNCTION search_kind_weight(p_kind text) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE p_kind WHEN 'guide' THEN 2 WHEN 'theme' THEN 1.5 WHEN 'organisation' THEN 1.25 WHEN 'training' THEN 1.25 ELSE 1 END::real
$$;
--> statement-breakpoint
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
  head AS (
    SELECT d.kind, d.ref, d.title, 1 AS tier, ts_rank(d.head_tsv, query.tsq, 32) * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.head_tsv @@ query.tsq AND NOT d.title_tsv @@ query.tsq AND (NOT query.negates OR d.tsv @@ query.tsq)
    LIMIT greatest(p_max - (SELECT count(*) FROM titled), 0)
  ),
  rest AS (
    SELECT d.kind, d.ref, d.title, 2 AS tier, ts_rank(d.tsv, query.tsq, 32) * search_kind_weight(d.kind) AS score
    FROM search_documents d, query
    WHERE d.tsv @@ query.tsq AND NOT d.head_tsv @@ query.tsq
    LIMIT greatest(p_max - (SELECT count(*) FROM titled) - (SELECT count(*) FROM head), 0)
  ),
  ranked AS (
    SELECT c.kind, c.ref, c.title, c.tier, c.score, count(*) OVER ()::integer AS total
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
