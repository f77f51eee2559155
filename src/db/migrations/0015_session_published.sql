-- Sessions that exist stay on the site; a session made in beheer from now on starts as a draft (createSession).
ALTER TABLE "training_sessions" ADD COLUMN "published" boolean DEFAULT true NOT NULL;
