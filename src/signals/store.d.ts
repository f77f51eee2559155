// Types for store.js (plain JavaScript, because it runs in the browser as it is).
import type { ClientSchema } from './service.ts';

export interface Moment {
  id: string;
  /** The child's label: initials or a code, never a name; '' when none was given. */
  child: string;
  date: string;
  /** Version of the definition the observation was made with. */
  version: string;
  savedAt: string;
  answers: Record<string, string | string[]>;
  /** Migrated from the 2026.2 format: the page asks to check the answers. */
  checkFirst?: true;
}
export interface SetAside {
  id: string;
  reason: string;
  at: string;
  data: unknown;
}
export interface Store {
  format: string;
  storeVersion: number;
  current: string | null;
  moments: Moment[];
  setAside: SetAside[];
}
type NewId = () => string;

export const FORMAT: string;
export const STORE_VERSION: number;
export function fieldsOf(schema: ClientSchema): Map<string, { kind: 'radio' | 'checkbox' | 'note'; values?: Set<string>; domain?: string }>;
export function emptyStore(): Store;
export function checkMoment(raw: unknown, schema: ClientSchema, newId: NewId): { moment: Moment | null; problems: string[] };
export function readData(data: unknown, schema: ClientSchema, newId: NewId, now: string): { store: Store; migrated?: boolean; foreign?: boolean };
export function readStore(
  text: string | null,
  schema: ClientSchema,
  newId: NewId,
  now: string,
): { store: Store; changed: boolean; migrated: boolean; unreadable: number };
export function readImport(
  text: string,
  schema: ClientSchema,
  newId: NewId,
  now: string,
): { error: string; moments?: undefined; problems?: undefined } | { error?: undefined; moments: Moment[]; problems: SetAside[] };
export function sameObservation(a: Moment, b: Moment): boolean;
export function planImport(store: Store, incoming: Moment[]): { add: Moment[]; duplicates: number; replaced: Moment[] };
export function applyImport(store: Store, incoming: Moment[], mode: 'add' | 'replace', newId: NewId): Store;
export function addMoment(store: Store, m: { id: string; child: string; date: string; version: string; now: string }): Store;
export function childrenOf(store: Store): string[];
export function momentsOf(store: Store, child: string): Moment[];
export function serialise(store: Store): string;
