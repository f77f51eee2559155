-- The titles a search compares with page titles (an exact title counts 3, one the title starts with
-- 2; search_matches, migration 0021), each also without the words the search leaves out (issue 22):
-- "de meldcode" is then also "meldcode", which "Meldcode huiselijk geweld en kindermishandeling"
-- starts with, so the guide comes first as it does for "meldcode". The titles as typed stay: "het
-- afwegingskader" still finds "Het afwegingskader in de meldcode" by its start. A word is left out
-- when the Dutch configuration keeps no lexeme of it, as search_tsquery does.
CREATE FUNCTION search_titles(p_titles text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array(
    SELECT DISTINCT v FROM unnest(p_titles || array(
      SELECT array_to_string(array(
        SELECT x.w FROM unnest(string_to_array(t, ' ')) WITH ORDINALITY AS x(w, i)
        WHERE to_tsvector('dutch'::regconfig, x.w) <> ''::tsvector ORDER BY x.i
      ), ' ')
      FROM unnest(p_titles) AS t
    )) AS v
    WHERE v <> ''
  )
$$;
