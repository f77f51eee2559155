-- The query of a search is read once per search, not once per row (issue 22). search_ranked named
-- it in a CTE ("query") that its FROM clause refers to once, so PostgreSQL put the CTE's expressions
-- in place of every reference. Once plpgsql keeps a generic plan for the statement (from the sixth
-- search of a connection on), the typed groups and the marked words are therefore parsed anew for
-- every passage the passage lookup reads (search_tsquery, a plpgsql function, and
-- websearch_to_tsquery, as the filter and the sort key of search_passage) and for every hit (the
-- marks column): about 80 parses per search, a tenth of the database's CPU in bench:search (perf:
-- websearch_to_tsquery 4.7% of all samples against 45% for all PostgreSQL processes). MATERIALIZED
-- computes the CTE once; nothing else changes (search_partial and search_matches refer to their
-- CTEs more than once, so theirs are computed once already).
CREATE OR REPLACE FUNCTION search_ranked(p_groups text[], p_anyq text, p_titles text[], p_limit integer, p_offset integer, p_max integer)
RETURNS TABLE (kind text, ref text, title text, url text, summary text, total integer, passage text, passage_n integer, lead boolean, lexemes text, marks text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH query AS MATERIALIZED (SELECT search_tsquery(p_groups) AS tsq, websearch_to_tsquery('dutch', p_anyq) AS anyq)
  SELECT d.kind, d.ref, d.title, d.url, d.summary, r.total,
    coalesce(p.text, d.summary), coalesce(p.n, 0), coalesce(p.lead, true), p.lexemes, query.anyq::text
  FROM query
  CROSS JOIN search_matches(query.tsq, p_titles, p_limit, p_offset, p_max) r
  JOIN search_documents d ON d.kind = r.kind AND d.ref = r.ref
  LEFT JOIN LATERAL search_passage(r.kind, r.ref, query.tsq, query.anyq) p ON true
  ORDER BY r.ord;
END
$$;
