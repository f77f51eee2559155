-- Rate-limit counters are not worth a disk flush: a transaction that writes only unlogged tables
-- commits without waiting for the write-ahead log to reach the disk. Before this, every
-- registration flushed the log twice (its counters, then the registration itself). After a crash
-- of the database server (with PGlite: of the app, if it could not close the database) the
-- counters start again from zero; their window is an hour.
ALTER TABLE "rate_limits" SET UNLOGGED;
