-- The words of the vocabulary that a word typed only in part starts ("hech": hechting,
-- hechtingsproblemen; issue 22): the spelling correction offers these before the short words a
-- letter or two away ("hen"). text_pattern_ops orders by bytes, so the words that start with w are
-- exactly the range [w, w || U+10FFFF) whatever the database's collation, found in a few steps;
-- the trigram index would read every word sharing its trigrams (0.2 to 0.5 ms a word).
CREATE INDEX "search_words_prefix_idx" ON "search_words" USING btree ("word" text_pattern_ops);
