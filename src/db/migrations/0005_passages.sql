CREATE TABLE "search_passages" (
	"kind" text NOT NULL,
	"ref" text NOT NULL,
	"n" integer NOT NULL,
	"text" text NOT NULL,
	"tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('dutch'::regconfig, text)) STORED NOT NULL,
	CONSTRAINT "search_passages_kind_ref_n_pk" PRIMARY KEY("kind","ref","n")
);
--> statement-breakpoint
ALTER TABLE "search_passages" ADD CONSTRAINT "search_passages_kind_ref_search_documents_kind_ref_fk" FOREIGN KEY ("kind","ref") REFERENCES "public"."search_documents"("kind","ref") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
-- A document's passages: its summary (n = 0), then windows of 40 of the body's words, each
-- starting 30 words after the previous one (so a match near a window's edge has context in the
-- next), until a window reaches the last word.
CREATE FUNCTION search_passages_of(summary text, body text) RETURNS TABLE (n integer, passage text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 0, btrim(summary) WHERE btrim(summary) <> ''
  UNION ALL
  SELECT 1 + i / 30, array_to_string(w[i + 1 : i + 40], ' ')
  FROM (SELECT regexp_split_to_array(btrim(body), '\s+') AS w) words
  CROSS JOIN LATERAL generate_series(0, greatest(cardinality(w) - 11, 0), 30) AS i
  WHERE btrim(body) <> ''
$$;
--> statement-breakpoint
CREATE FUNCTION search_passages_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.summary IS NOT DISTINCT FROM OLD.summary AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
      RETURN NULL; -- a changed key is carried over by the foreign key's ON UPDATE CASCADE
    END IF;
    DELETE FROM search_passages WHERE (kind = OLD.kind AND ref = OLD.ref) OR (kind = NEW.kind AND ref = NEW.ref);
  END IF;
  INSERT INTO search_passages (kind, ref, n, text)
    SELECT NEW.kind, NEW.ref, p.n, p.passage FROM search_passages_of(NEW.summary, NEW.body) p;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER search_passages_sync AFTER INSERT OR UPDATE ON search_documents
  FOR EACH ROW EXECUTE FUNCTION search_passages_sync();
--> statement-breakpoint
INSERT INTO search_passages (kind, ref, n, text)
  SELECT d.kind, d.ref, p.n, p.passage FROM search_documents d CROSS JOIN LATERAL search_passages_of(d.summary, d.body) p;
--> statement-breakpoint
-- The search itself (src/search/service.ts calls it). In a PL/pgSQL function the query is planned
-- once per connection and the plan kept (a generic plan, as a named prepared statement would be):
-- planning this query anew for every search cost more than a third of the database's time.
--
-- Every match costs a row read and a rank, so a query that matches most documents would cost
-- milliseconds per thousand: at most p_max matches are taken (in storage order) and ranked; the
-- count tells whether there were more. Only key, title and index entry travel through that sort;
-- the page's rows are read whole afterwards. Their snippets come from one short passage each: the
-- first that holds the whole query, else the first with any of its words (p_anyq), else the
-- summary. ts_headline parses all the text it is given, so a passage of 40 words instead of the
-- whole document is what keeps it cheap.
CREATE FUNCTION search_page(p_q text, p_anyq text, p_limit integer, p_offset integer, p_max integer, p_options text)
RETURNS TABLE (kind text, title text, url text, summary text, total integer, headline text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH query AS (SELECT websearch_to_tsquery('dutch', p_q) AS tsq, websearch_to_tsquery('dutch', p_anyq) AS anyq),
  matches AS (
    SELECT d.kind, d.ref, d.title, d.tsv FROM search_documents d, query WHERE d.tsv @@ query.tsq LIMIT p_max
  ),
  ranked AS (
    SELECT m.kind, m.ref, m.title, ts_rank_cd(m.tsv, query.tsq, 32) AS rank, count(*) OVER ()::integer AS total
    FROM matches m, query
    ORDER BY rank DESC, m.title
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
