-- The words of the vocabulary that a word typed only in part starts ("hech": hechting,
-- hechtingsproblemen; issue 22): the spelling correction offers these before the short words a
-- letter or two away ("hen"). text_pattern_ops orders by bytes, which is the order of the code
-- points, so the words that start with w are exactly the range from w up to w with its last letter
-- one higher ("hech" to "heci") whatever the database's collation, found in a few steps; the
-- trigram index would read every word sharing its trigrams (0.2 to 0.5 ms a word).
CREATE INDEX "search_words_prefix_idx" ON "search_words" USING btree ("word" text_pattern_ops);
