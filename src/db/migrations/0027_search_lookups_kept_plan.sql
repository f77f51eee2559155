-- The spelling correction's look-ups in the vocabulary are planned once per connection, not at every
-- correction (issue 22). The app sent them as one statement of five parts (the words the vocabulary
-- lacks, the words like each by trigrams, with two letters swapped, the words each starts, and the
-- known halves of a word split in two). As a prepared statement PostgreSQL plans it for its first
-- five runs and then keeps a generic plan only when that seems as cheap as the custom ones; this one
-- never did (its parameters are lists and JSON of unknown length), so every correction planned it
-- again: measured with pg_stat_statements over the bench's queries, one connection, 0.67 ms of
-- planning beside 0.26 ms of running, every time (7 runs of one prepared statement: 7 custom plans,
-- no generic one).
--
-- As a plpgsql function with its generic plan forced, the statement is planned at a connection's
-- first correction and kept; its rows and their order are those of the statement it replaces.
CREATE FUNCTION search_lookups(p_asked text[], p_swaps jsonb, p_starts jsonb, p_spacing text[])
RETURNS TABLE (part text, word text, candidate text, sim real, docs integer)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH unknown AS MATERIALIZED (
    SELECT a.w, a.i FROM unnest(p_asked) WITH ORDINALITY AS a(w, i)
    WHERE a.w <> ALL (array(SELECT search_known_words(p_asked)))
    ORDER BY a.i LIMIT 3
  )
  SELECT 'unknown'::text, u.w, NULL::text, NULL::real, NULL::integer FROM (SELECT * FROM unknown ORDER BY i) u
  UNION ALL
  SELECT 'similar', c.word, c.candidate, c.sim, c.docs FROM search_corrections(array(SELECT u.w FROM unknown u ORDER BY u.i)) c
  UNION ALL
  SELECT 'swapped', s.w, t.word, similarity(t.word, s.w), t.docs
    FROM jsonb_to_recordset(p_swaps) AS s(w text, v text) JOIN search_words t ON t.word = s.v
    WHERE s.w IN (SELECT u.w FROM unknown u)
  UNION ALL
  SELECT 'completed', u.w, c.word, similarity(c.word, u.w), c.docs
    FROM unknown u JOIN jsonb_to_recordset(p_starts) AS x(w text, upto text) ON x.w = u.w
    CROSS JOIN LATERAL (
      SELECT t.word, t.docs FROM search_words t WHERE t.word ~>=~ u.w AND t.word ~<~ x.upto AND t.word <> u.w
      ORDER BY t.docs DESC, t.word LIMIT 3
    ) c
  UNION ALL
  SELECT 'known', k.w, NULL, NULL, NULL FROM search_known_words(p_spacing) AS k(w);
END
$$;
