-- Search that forgives (issue 22): a vocabulary to correct misspelt words from, title and summary
-- matches ranked first, passages that never run a heading into the next sentence, and labels
-- (type, address, municipalities) that are found but never shown as a snippet.
--
-- pg_trgm is a trusted contrib extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "labels" text DEFAULT '' NOT NULL;
--> statement-breakpoint
-- The index entry gains the labels (weight D). A generated column's expression cannot be altered
-- before PostgreSQL 17, so the column is made anew (with its index).
ALTER TABLE "search_documents" DROP COLUMN "tsv";
--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(body, '')), 'C') || setweight(to_tsvector('dutch'::regconfig, coalesce(labels, '')), 'D')) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "search_documents_tsv_idx" ON "search_documents" USING gin ("tsv");
--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "title_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A')) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "search_documents_title_tsv_idx" ON "search_documents" USING gin ("title_tsv");
--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "head_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B')) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "search_documents_head_tsv_idx" ON "search_documents" USING gin ("head_tsv");
--> statement-breakpoint
CREATE INDEX "search_documents_title_trgm_idx" ON "search_documents" USING gin ("title" gin_trgm_ops);
--> statement-breakpoint
-- Passages per block: the body's blocks (headings, paragraphs, list items) are separated by a blank
-- line, and a window of words never crosses from one block into the next. `lead`: the passage
-- starts its block (or is the summary), so its snippet needs no ellipsis in front.
ALTER TABLE "search_passages" ADD COLUMN "lead" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
DROP FUNCTION search_passages_of(text, text);
--> statement-breakpoint
CREATE FUNCTION search_passages_of(summary text, body text) RETURNS TABLE (n integer, passage text, lead boolean)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH blocks AS (
    SELECT b.i AS block, regexp_split_to_array(btrim(b.t, E' \t\n\r\f\x0B'), E'[ \t\n\r\f\x0B]+') AS w
    FROM unnest(regexp_split_to_array(coalesce(body, ''), E'\n[ \t\r\f\x0B]*\n')) WITH ORDINALITY AS b(t, i)
    WHERE btrim(b.t, E' \t\n\r\f\x0B') <> ''
  ),
  windows AS (
    SELECT block, i, array_to_string(w[i + 1 : i + 40], ' ') AS passage
    FROM blocks CROSS JOIN LATERAL generate_series(0, greatest(cardinality(w) - 11, 0), 30) AS i
  )
  SELECT 0, btrim(summary), true WHERE btrim(summary) <> ''
  UNION ALL
  SELECT (row_number() OVER (ORDER BY block, i))::integer, passage, i = 0 FROM windows
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION search_passages_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.summary IS NOT DISTINCT FROM OLD.summary AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
      RETURN NULL; -- a changed key is carried over by the foreign key's ON UPDATE CASCADE
    END IF;
    DELETE FROM search_passages WHERE (kind = OLD.kind AND ref = OLD.ref) OR (kind = NEW.kind AND ref = NEW.ref);
  END IF;
  INSERT INTO search_passages (kind, ref, n, text, lead)
    SELECT NEW.kind, NEW.ref, p.n, p.passage, p.lead FROM search_passages_of(NEW.summary, NEW.body) p;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DELETE FROM search_passages;
--> statement-breakpoint
INSERT INTO search_passages (kind, ref, n, text, lead)
  SELECT d.kind, d.ref, p.n, p.passage, p.lead FROM search_documents d CROSS JOIN LATERAL search_passages_of(d.summary, d.body) p;
--> statement-breakpoint
-- The vocabulary: every word of three to forty letters, lower case as written (not stemmed, so a
-- correction is a word people read), with the number of documents that hold it.
CREATE TABLE "search_words" (
	"word" text PRIMARY KEY NOT NULL,
	"docs" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_words_trgm_idx" ON "search_words" USING gin ("word" gin_trgm_ops);
--> statement-breakpoint
CREATE FUNCTION search_words_of(title text, summary text, body text, labels text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT w FROM regexp_split_to_table(lower(concat_ws(' ', title, summary, body, labels)), '[^[:alpha:]]+') AS w
  WHERE length(w) BETWEEN 3 AND 40
$$;
--> statement-breakpoint
-- Kept per statement (a bulk load counts its words once, not per row). One writer of the vocabulary
-- at a time: the counts stay exact and two saves cannot deadlock on its rows.
CREATE FUNCTION search_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('search_words'));
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE search_words s SET docs = s.docs - g.n
    FROM (
      SELECT w, count(*)::integer AS n FROM old_rows o CROSS JOIN LATERAL search_words_of(o.title, o.summary, o.body, o.labels) AS w GROUP BY w
    ) g
    WHERE s.word = g.w;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_words (word, docs)
      SELECT w, count(*)::integer FROM new_rows r CROSS JOIN LATERAL search_words_of(r.title, r.summary, r.body, r.labels) AS w GROUP BY w
      ON CONFLICT (word) DO UPDATE SET docs = search_words.docs + excluded.docs;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM search_words WHERE docs <= 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER search_words_insert AFTER INSERT ON search_documents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_sync();
--> statement-breakpoint
CREATE TRIGGER search_words_update AFTER UPDATE ON search_documents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_sync();
--> statement-breakpoint
CREATE TRIGGER search_words_delete AFTER DELETE ON search_documents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_sync();
--> statement-breakpoint
INSERT INTO search_words (word, docs)
  SELECT w, count(*)::integer FROM search_documents d CROSS JOIN LATERAL search_words_of(d.title, d.summary, d.body, d.labels) AS w GROUP BY w;
--> statement-breakpoint
-- The query as groups (src/search/query.ts): each group is a word, a phrase or a word left out,
-- with its synonyms or its correction as alternatives (`vt or "veilig thuis"`); all groups must match.
CREATE FUNCTION search_tsquery(p_groups text[]) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  g text;
  q tsquery;
  r tsquery;
BEGIN
  FOREACH g IN ARRAY coalesce(p_groups, '{}'::text[]) LOOP
    q := websearch_to_tsquery('dutch', g);
    IF numnode(q) > 0 THEN
      r := CASE WHEN r IS NULL THEN q ELSE r && q END;
    END IF;
  END LOOP;
  RETURN coalesce(r, websearch_to_tsquery('dutch', ''));
END
$$;
--> statement-breakpoint
-- The search: as search_hits (0010), with three changes. The query comes as groups. The matches
-- are taken in tiers, each through its own index, and a lower tier is read only while fewer than
-- p_max matches were found: those whose title holds the whole query (all of them, best first),
-- then those whose title and summary hold it, then the others. So a broad query keeps its true
-- top ten, because a title match ranks above the rest, and costs no more than the title matches.
-- Within the title tier, a title that says exactly what was asked (p_titles: the query in lower
-- case) comes first, one that starts with it next, then the titles that are most query (a short
-- title that is all query before a long one), and the tier is cut at p_max in that order. Only a query that leaves a word out needs the whole
-- document's entry to check a title or summary match.
CREATE FUNCTION search_ranked(p_groups text[], p_anyq text, p_titles text[], p_limit integer, p_offset integer, p_max integer)
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
      ts_rank(d.title_tsv, query.tsq, 2)
        + CASE WHEN lower(d.title) = ANY (p_titles) THEN 3 WHEN lower(d.title) LIKE ANY (query.prefixes) THEN 2 ELSE 0 END AS score
    FROM search_documents d, query
    WHERE d.title_tsv @@ query.tsq AND (NOT query.negates OR d.tsv @@ query.tsq)
    ORDER BY score DESC
    LIMIT p_max
  ),
  head AS (
    SELECT d.kind, d.ref, d.title, 1 AS tier, ts_rank(d.head_tsv, query.tsq, 32) AS score
    FROM search_documents d, query
    WHERE d.head_tsv @@ query.tsq AND NOT d.title_tsv @@ query.tsq AND (NOT query.negates OR d.tsv @@ query.tsq)
    LIMIT greatest(p_max - (SELECT count(*) FROM titled), 0)
  ),
  rest AS (
    SELECT d.kind, d.ref, d.title, 2 AS tier, ts_rank(d.tsv, query.tsq, 32) AS score
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
--> statement-breakpoint
-- Spelling: for each word, the vocabulary's words most like it by trigrams (at least 0.25 alike:
-- one letter changed, dropped or two swapped in a word of six letters still qualifies).
CREATE FUNCTION search_corrections(p_words text[]) RETURNS TABLE (word text, candidate text, sim real, docs integer)
LANGUAGE sql STABLE SET pg_trgm.similarity_threshold = 0.25 AS $$
  SELECT w.word, c.word, c.sim, c.docs
  FROM unnest(p_words) AS w(word)
  CROSS JOIN LATERAL (
    SELECT s.word, similarity(s.word, w.word) AS sim, s.docs
    FROM search_words s
    WHERE s.word % w.word AND s.word <> w.word
    ORDER BY sim DESC, s.docs DESC, s.word
    LIMIT 12
  ) c
$$;
