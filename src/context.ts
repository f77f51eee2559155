import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import type { ContentVersion } from './db/content-version.ts';
import type { Gate } from './search/gate.ts';
import type { Synonyms } from './search/synonyms.ts';
import type { Definition } from './signals/definition.ts';
import type { Asset } from './ui/assets.ts';

export interface Deps {
  config: Config;
  database: Database;
  log: Logger;
  assets: { css: Asset; scripts: Asset[] };
  /** HMAC key shared by every instance (kept in the database). */
  secret: Buffer;
  contentVersion: ContentVersion;
  /** Searches in the database at once, the others in line (src/search/gate.ts). */
  searchGate: Gate;
  /** The signals list definition (content/signalenlijst.yaml), validated at start-up. */
  signals: Definition;
  /** The synonyms and abbreviations search expands (content/synoniemen.yaml), validated at start-up. */
  synonyms: Synonyms;
  /** The clock; tests move it to check expiry. */
  now: () => Date;
}

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: 'beheerder' | 'redacteur';
  sessionHash: string;
  csrf: string;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    reqId: string;
    /** Set when the response already carries X-Request-Id (a page from the cache puts it in its own headers). */
    reqIdSent?: boolean;
    user?: SessionUser;
    /**
     * A page as page() rendered it: its response and its HTML. The ETag and compression read the HTML
     * from here while that response is the one being sent, instead of reading it back from the response
     * (which on Node's lightweight Response first builds a full web Response around it).
     */
    rendered?: { res: Response; html: string };
  };
};

export type Ctx = Context<AppEnv>;
