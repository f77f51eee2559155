// Signalenlijst: the observations kept in the professional's own browser, as pure functions.
// Served to the browser together with client.js (see src/ui/assets.ts) and tested in Node
// (test/signals-store.test.ts). Rule: reading stored or imported data never throws away what it
// cannot use. Each observation is checked on its own; what can be repaired is repaired, and the
// original of anything changed or unreadable is set aside, to be downloaded or discarded only by
// the user.

export const FORMAT = 'hechtwerk-signalenlijst';
/** 1: the 2026.2 client (no storeVersion, `label`, "niet gezien" pre-selected). 2: per child, nothing pre-selected. */
export const STORE_VERSION = 2;
const MAX_MOMENTS = 500;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const validDate = (d) =>
  typeof d === 'string' && DATE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

/** What the form allows, per field name: the server's definition (data-schema) is the only source. */
export function fieldsOf(schema) {
  if (schema._fields) return schema._fields;
  const fields = new Map();
  const scale = new Set(schema.scale.map((s) => s.value));
  for (const d of schema.domains) {
    for (const s of d.signals) fields.set(s.field, { kind: 'radio', values: scale, domain: d.id });
    fields.set(d.contexts, { kind: 'checkbox', values: new Set(schema.contexts), domain: d.id });
    fields.set(d.note, { kind: 'note', domain: d.id });
  }
  fields.set(schema.safety.field, { kind: 'radio', values: new Set(schema.safety.values) });
  Object.defineProperty(schema, '_fields', { value: fields, enumerable: false });
  return fields;
}

export function emptyStore() {
  return { format: FORMAT, storeVersion: STORE_VERSION, current: null, moments: [], setAside: [] };
}

/**
 * Checks one stored or imported observation against the form. Returns the usable observation
 * (repaired where needed) or null, and a Dutch description of every problem found.
 */
export function checkMoment(raw, schema, newId) {
  if (!isObject(raw)) return { moment: null, problems: ['het is geen observatie'] };
  const problems = [];
  const fields = fieldsOf(schema);
  let id = raw.id;
  if (typeof id !== 'string' || !id || id.length > 100) {
    id = newId();
    problems.push('het kenmerk ontbrak');
  }
  let child = raw.child ?? '';
  if (typeof child !== 'string') {
    child = '';
    problems.push('het label was onleesbaar');
  } else if (child.length > schema.maxLabel) {
    child = child.slice(0, schema.maxLabel);
    problems.push(`het label was langer dan ${schema.maxLabel} tekens en is ingekort`);
  }
  let date = raw.date ?? '';
  if (date !== '' && !validDate(date)) {
    date = '';
    problems.push('de datum was ongeldig');
  }
  const moment = {
    id,
    child,
    date,
    version: typeof raw.version === 'string' && raw.version.length <= 20 ? raw.version : schema.version,
    savedAt: typeof raw.savedAt === 'string' && raw.savedAt.length <= 40 ? raw.savedAt : '',
    answers: {},
  };
  if (raw.checkFirst === true) moment.checkFirst = true;
  if (!isObject(raw.answers)) {
    if (raw.answers !== undefined) problems.push('de antwoorden waren onleesbaar');
    return { moment, problems };
  }
  for (const [name, value] of Object.entries(raw.answers)) {
    const field = fields.get(name);
    if (!field) {
      problems.push(`het onderdeel “${name}” staat niet in deze versie van de lijst`);
      continue;
    }
    if (field.kind === 'radio') {
      if (typeof value === 'string' && field.values.has(value)) moment.answers[name] = value;
      else problems.push(`een antwoord bij “${name}” was ongeldig`);
    } else if (field.kind === 'checkbox') {
      const list = Array.isArray(value) ? value : [];
      const kept = [...new Set(list.filter((v) => typeof v === 'string' && field.values.has(v)))];
      if (!Array.isArray(value) || kept.length !== list.length) problems.push(`een situatie bij “${name}” was ongeldig`);
      if (kept.length) moment.answers[name] = kept;
    } else if (typeof value !== 'string') problems.push(`een aantekening bij “${name}” was onleesbaar`);
    else if (value.length > schema.maxNote) {
      moment.answers[name] = value.slice(0, schema.maxNote);
      problems.push(`een aantekening was ${value.length} tekens lang en is ingekort tot ${schema.maxNote}`);
    } else if (value) moment.answers[name] = value;
  }
  return { moment, problems };
}

/**
 * The 2026.2 client pre-selected "niet gezien" on every signal. Where a whole domain still has
 * only that, with no situation and no note, it was most likely skipped: it becomes "not filled in"
 * rather than "no signals". The observation is marked so the page asks to check it.
 */
function migrateMomentV1(m, schema, version) {
  if (!isObject(m)) return m;
  const answers = isObject(m.answers) ? { ...m.answers } : m.answers;
  if (isObject(answers)) {
    const none = schema.scale.find((s) => s.meaning === 'not-seen')?.value;
    for (const d of schema.domains) {
      const untouched = d.signals.every((s) => answers[s.field] === undefined || answers[s.field] === none) && !answers[d.contexts] && !answers[d.note];
      if (untouched) for (const s of d.signals) delete answers[s.field];
    }
  }
  const { label, ...rest } = m;
  return { ...rest, child: label ?? '', version: typeof m.version === 'string' ? m.version : version, answers, checkFirst: true };
}

/**
 * Reads stored data or an imported file (already parsed). Never throws and never drops anything:
 * `setAside` gets the original of every observation that had to be repaired or could not be read.
 */
export function readData(data, schema, newId, now) {
  const store = emptyStore();
  const aside = (reason, original) => store.setAside.push({ id: newId(), reason, at: now, data: original });
  if (!isObject(data) || data.format !== FORMAT) {
    aside('dit zijn geen gegevens van de signalenlijst', data);
    return { store, foreign: true };
  }
  if (typeof data.storeVersion === 'number' && data.storeVersion > STORE_VERSION) {
    aside('deze gegevens zijn gemaakt met een nieuwere versie van de signalenlijst', data);
    return { store, foreign: true };
  }
  const v1 = data.storeVersion === undefined;
  if (Array.isArray(data.setAside))
    for (const entry of data.setAside)
      store.setAside.push(isObject(entry) && typeof entry.reason === 'string' ? entry : { id: newId(), reason: 'apart gezet', at: now, data: entry });
  const moments = Array.isArray(data.moments) ? data.moments : [];
  if (data.moments !== undefined && !Array.isArray(data.moments)) aside('de lijst met observaties was onleesbaar', data.moments);
  const ids = new Set();
  for (const original of moments.slice(0, MAX_MOMENTS)) {
    const candidate = v1 ? migrateMomentV1(original, schema, data.version) : original;
    const { moment, problems } = checkMoment(candidate, schema, newId);
    if (moment && ids.has(moment.id)) {
      moment.id = newId();
      problems.push('het kenmerk kwam twee keer voor');
    }
    if (problems.length) aside(`${moment ? 'Hersteld' : 'Niet te lezen'}: ${problems.join('; ')}.`, original);
    if (moment) {
      ids.add(moment.id);
      store.moments.push(moment);
    }
  }
  if (moments.length > MAX_MOMENTS) aside(`meer dan ${MAX_MOMENTS} observaties; de rest staat hier`, moments.slice(MAX_MOMENTS));
  store.current = store.moments.some((m) => m.id === data.current) ? data.current : (store.moments.at(-1)?.id ?? null);
  return { store, migrated: v1 };
}

/**
 * Reads what localStorage holds (a string or null). Unreadable text is set aside as it is, never
 * dropped; a store in the 2026.2 format is migrated and its old text kept aside as a copy.
 * `unreadable`: how many observations (or whole stores) were newly set aside.
 */
export function readStore(text, schema, newId, now) {
  if (text === null || text === undefined || text === '') return { store: emptyStore(), changed: false, migrated: false, unreadable: 0 };
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    const store = emptyStore();
    store.setAside.push({ id: newId(), reason: 'De bewaarde gegevens waren beschadigd; hier staat de tekst zoals die bewaard was.', at: now, data: text });
    return { store, changed: true, migrated: false, unreadable: 1 };
  }
  const before = Array.isArray(data?.setAside) ? data.setAside.length : 0;
  const { store, migrated } = readData(data, schema, newId, now);
  const unreadable = store.setAside.length - before;
  if (migrated)
    store.setAside.push({ id: newId(), reason: 'Een kopie van je observaties zoals ze bewaard waren vóór versie 2026.3 van de lijst.', at: now, data: text });
  return { store, changed: Boolean(migrated) || unreadable > 0, migrated: Boolean(migrated), unreadable };
}

/** Reads an imported file. A file that is not ours changes nothing: it gets an error, in Dutch. */
export function readImport(text, schema, newId, now) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: 'het is geen geldig JSON-bestand' };
  }
  if (!isObject(data) || data.format !== FORMAT) return { error: 'dit is geen bestand van de signalenlijst' };
  const { store, foreign } = readData({ ...data, setAside: [] }, schema, newId, now);
  if (foreign) return { error: 'het is gemaakt met een nieuwere versie van de signalenlijst' };
  if (!store.moments.length && !store.setAside.length) return { error: 'er staan geen observaties in' };
  return { moments: store.moments, problems: store.setAside };
}

const stable = (v) =>
  Array.isArray(v)
    ? `[${v.map(stable).join(',')}]`
    : isObject(v)
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${stable(v[k])}`)
          .join(',')}}`
      : JSON.stringify(v);
/** Same child, date and answers: the same observation, whatever its id or save time. */
export const sameObservation = (a, b) => stable({ c: a.child, d: a.date, a: a.answers }) === stable({ c: b.child, d: b.date, a: b.answers });

/** What an import would do, so the page can show it before anything changes. */
export function planImport(store, incoming) {
  const add = incoming.filter((m) => !store.moments.some((e) => sameObservation(e, m)));
  return { add, duplicates: incoming.length - add.length, replaced: store.moments.slice() };
}

/** Applies an import the user chose: 'add' keeps everything already here; 'replace' swaps the observations (set-aside items stay). */
export function applyImport(store, incoming, mode, newId) {
  if (mode === 'replace') {
    store.moments = incoming.map((m) => ({ ...m }));
  } else {
    for (const m of planImport(store, incoming).add) {
      const copy = { ...m };
      if (store.moments.some((e) => e.id === copy.id)) copy.id = newId();
      store.moments.push(copy);
    }
  }
  if (!store.moments.some((m) => m.id === store.current)) store.current = store.moments[0]?.id ?? null;
  return store;
}

export function addMoment(store, { id, child, date, version, now }) {
  store.moments.push({ id, child, date, version, savedAt: now, answers: {} });
  store.current = id;
  return store;
}

/** The children in this store, by label ('' = without a label), in Dutch alphabetical order. */
export function childrenOf(store) {
  return [...new Set(store.moments.map((m) => m.child))].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b, 'nl')));
}

/** One child's observations, oldest first. */
export function momentsOf(store, child) {
  return store.moments
    .filter((m) => m.child === child)
    .sort((a, b) => (a.date || '9999').localeCompare(b.date || '9999') || (a.savedAt || '').localeCompare(b.savedAt || ''));
}

export function serialise(store) {
  return JSON.stringify({ format: FORMAT, storeVersion: STORE_VERSION, current: store.current, moments: store.moments, setAside: store.setAside });
}
