-- Snippets are cut and marked in the app (src/search/snippet.ts) instead of by ts_headline, which
-- parsed and stemmed the ten shown passages again for every search: a fifth of a search's time in
-- the database (PGlite, 1,500 queries of bench:search's mix: 1.26 → 1.02 ms each), and PGlite's
-- one thread is what limits search there. The stemming is now done once, when a passage is written: for each word of the
-- passage, its lexemes joined by a space; the words' entries joined by a tab. Words are split on
-- ASCII whitespace, exactly as the app splits them (E'' strings know no \v: \x0B is the vertical
-- tab). Lexemes never hold whitespace, so neither separator is ambiguous. A stop word or a lone
-- punctuation mark has no lexemes: an empty entry.
CREATE FUNCTION search_word_lexemes(passage text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_agg(array_to_string(tsvector_to_array(to_tsvector('dutch'::regconfig, w)), ' '), E'\t' ORDER BY i)
  FROM unnest(regexp_split_to_array(btrim(passage, E' \t\n\r\f\x0B'), E'[ \t\n\r\f\x0B]+')) WITH ORDINALITY AS u(w, i)
$$;
--> statement-breakpoint
ALTER TABLE "search_passages" ADD COLUMN "lexemes" text GENERATED ALWAYS AS (search_word_lexemes(text)) STORED NOT NULL;
--> statement-breakpoint
-- search_page without its snippets: each hit brings the passage its snippet is cut from (as before:
-- the first that holds the whole query, else the first with any of its words, else the summary),
-- that passage's number and word lexemes, and the lexemes to mark: those of any of the query's
-- words (p_anyq) as a tsquery's text. A left-out word is in no matching document, so it marks nothing.
CREATE FUNCTION search_hits(p_q text, p_anyq text, p_limit integer, p_offset integer, p_max integer)
RETURNS TABLE (kind text, title text, url text, summary text, total integer, passage text, passage_n integer, lexemes text, marks text)
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
    coalesce(p.text, d.summary), coalesce(p.n, 0), p.lexemes, query.anyq::text
  FROM ranked r
  JOIN search_documents d ON d.kind = r.kind AND d.ref = r.ref
  CROSS JOIN query
  LEFT JOIN LATERAL (
    SELECT c.text, c.n, c.lexemes
    FROM search_passages c
    WHERE c.kind = r.kind AND c.ref = r.ref AND c.tsv @@ query.anyq
    ORDER BY c.tsv @@ query.tsq DESC, c.n
    LIMIT 1
  ) p ON true
  ORDER BY r.rank DESC, r.title;
END
$$;
-- search_page stays: instances of the previous release still call it during a rolling upgrade
-- (docs/deploy.md), and it works with the new column. A later release's migration drops it.
