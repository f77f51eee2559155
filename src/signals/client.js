// Signalenlijst enhancement: autosave in this browser only, observation moments, compare, export/import.
// The form works fully without this script; nothing here ever talks to the server.
const KEY = 'hechtwerk.signalenlijst';
const FORMAT = 'hechtwerk-signalenlijst';
const MAX_MOMENTS = 100;
const MAX_NOTE = 1000;
const MAX_LABEL = 40;

const form = document.getElementById('signalenlijst');
const tools = document.getElementById('hw-tools');
if (form && tools) init(form, tools);

function init(form, tools) {
  const version = form.dataset.version;
  const select = document.getElementById('hw-moment');
  const overview = document.getElementById('hw-overview');
  const message = document.getElementById('hw-message');
  const compare = document.getElementById('hw-compare');
  const fileInput = document.getElementById('hw-import');
  const dateInput = form.elements.namedItem('datum');
  const labelInput = form.elements.namedItem('label');
  const today = () => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };

  // What the form allows, read from the form itself: the server's definition is the only source.
  const allowed = new Map();
  for (const el of form.elements) {
    if (!el.name || el.name === 'datum' || el.name === 'label') continue;
    const kind = el.type === 'radio' ? 'radio' : el.type === 'checkbox' ? 'checkbox' : el.tagName === 'TEXTAREA' ? 'note' : null;
    if (!kind) continue;
    const entry = allowed.get(el.name) ?? { kind, values: new Set() };
    if (kind !== 'note') entry.values.add(el.value);
    allowed.set(el.name, entry);
  }
  const noneValue = (name) => form.querySelector(`input[type=radio][name="${CSS.escape(name)}"]`)?.value;

  const read = () => {
    const answers = {};
    for (const [name, { kind }] of allowed) {
      if (kind === 'radio') answers[name] = form.querySelector(`input[name="${CSS.escape(name)}"]:checked`)?.value ?? noneValue(name);
      else if (kind === 'checkbox') {
        const values = [...form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((el) => el.value);
        if (values.length) answers[name] = values;
      } else {
        const value = form.elements.namedItem(name).value;
        if (value) answers[name] = value;
      }
    }
    return { date: dateInput.value, label: labelInput.value, answers };
  };

  const write = (moment) => {
    dateInput.value = moment.date ?? '';
    labelInput.value = moment.label ?? '';
    for (const [name, { kind }] of allowed) {
      const value = moment.answers?.[name];
      if (kind === 'radio') {
        const wanted = value ?? noneValue(name);
        for (const el of form.querySelectorAll(`input[name="${CSS.escape(name)}"]`)) el.checked = el.value === wanted;
      } else if (kind === 'checkbox') {
        for (const el of form.querySelectorAll(`input[name="${CSS.escape(name)}"]`)) el.checked = Array.isArray(value) && value.includes(el.value);
      } else form.elements.namedItem(name).value = value ?? '';
    }
  };

  /** Checks stored or imported data against this form; returns an error in Dutch, or null. */
  const validate = (data) => {
    if (!data || typeof data !== 'object' || data.format !== FORMAT) return 'dit is geen bestand van de signalenlijst';
    if (!Array.isArray(data.moments) || data.moments.length === 0) return 'er staan geen observaties in';
    if (data.moments.length > MAX_MOMENTS) return `er staan meer dan ${MAX_MOMENTS} observaties in`;
    for (const m of data.moments) {
      if (!m || typeof m !== 'object' || typeof m.id !== 'string' || !m.id) return 'een observatie mist haar kenmerk';
      if (typeof m.date !== 'string' || (m.date && !/^\d{4}-\d{2}-\d{2}$/.test(m.date))) return 'een datum is ongeldig';
      if (typeof m.label !== 'string' || m.label.length > MAX_LABEL) return 'een label is ongeldig of te lang';
      if (!m.answers || typeof m.answers !== 'object' || Array.isArray(m.answers)) return 'de antwoorden ontbreken';
      for (const [name, value] of Object.entries(m.answers)) {
        const field = allowed.get(name);
        if (!field) return `het onderdeel “${name}” staat niet in deze versie van de lijst`;
        if (field.kind === 'radio' && (typeof value !== 'string' || !field.values.has(value))) return `een antwoord bij “${name}” staat niet op de schaal`;
        if (field.kind === 'checkbox' && (!Array.isArray(value) || value.some((v) => !field.values.has(v)))) return `een situatie bij “${name}” is onbekend`;
        if (field.kind === 'note' && (typeof value !== 'string' || value.length > MAX_NOTE)) return 'een aantekening is ongeldig of te lang';
      }
    }
    if (typeof data.current !== 'string' || !data.moments.some((m) => m.id === data.current)) return 'het huidige observatiemoment ontbreekt';
    return null;
  };

  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);
  let state = null;
  let storageOk = true;

  const load = () => {
    try {
      const raw = localStorage.getItem(KEY);
      if (!raw) return null;
      const data = JSON.parse(raw);
      return validate(data) ? null : data;
    } catch {
      return null;
    }
  };
  const persist = () => {
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
      storageOk = true;
    } catch {
      if (storageOk) say('Deze browser staat bewaren niet toe. Je antwoorden blijven alleen op deze pagina staan.');
      storageOk = false;
    }
  };
  const say = (text) => {
    message.textContent = text;
  };
  const currentMoment = () => state.moments.find((m) => m.id === state.current);
  const saveCurrent = () => {
    Object.assign(currentMoment(), read(), { savedAt: new Date().toISOString() });
    persist();
  };

  const domains = [...form.querySelectorAll('.hw-domain')].map((fs) => ({
    id: fs.dataset.domain,
    title: fs.querySelector('legend h2').textContent.replace(/^\d+\.\s*/, ''),
    signals: [...fs.querySelectorAll('.hw-scale input[type=radio]')]
      .map((el) => el.name)
      .filter((n, i, all) => all.indexOf(n) === i)
      .map((name) => ({
        name,
        text: form
          .querySelector(`input[name="${CSS.escape(name)}"]`)
          .closest('fieldset')
          .querySelector('legend')
          .textContent.trim(),
      })),
  }));
  const scaleLabel = (name, value) => form.querySelector(`input[name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`)?.parentElement.textContent.trim();
  const signalsIn = (answers, domain) => domain.signals.filter((s) => answers[s.name] && answers[s.name] !== noneValue(s.name));

  const renderOverview = () => {
    const answers = read().answers;
    const n = domains.filter((d) => signalsIn(answers, d).length > 0).length;
    overview.textContent = n === 0 ? `Nog geen signalen ingevuld (${domains.length} domeinen).` : `Signalen in ${n} van de ${domains.length} domeinen.`;
  };
  const momentName = (m) => `${m.date || 'zonder datum'}${m.label ? ` – ${m.label}` : ''}`;
  const renderMoments = () => {
    select.replaceChildren(
      ...state.moments
        .slice()
        .sort((a, b) => (a.date || '').localeCompare(b.date || ''))
        .map((m) => new Option(momentName(m), m.id, false, m.id === state.current)),
    );
  };

  const renderCompare = () => {
    const moments = state.moments.slice().sort((a, b) => (a.date || '').localeCompare(b.date || ''));
    const table = document.createElement('table');
    table.className = 'hw-table';
    const caption = table.createCaption();
    caption.textContent = `Signalen per domein over ${moments.length} observatiemoment${moments.length === 1 ? '' : 'en'}`;
    const head = table.createTHead().insertRow();
    const corner = document.createElement('th');
    corner.scope = 'col';
    corner.textContent = 'Domein';
    head.append(corner);
    for (const m of moments) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = momentName(m);
      head.append(th);
    }
    const body = table.createTBody();
    for (const d of domains) {
      const row = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = d.title;
      row.append(th);
      for (const m of moments) {
        const cell = row.insertCell();
        const seen = signalsIn(m.answers, d);
        if (!seen.length) cell.textContent = '–';
        else {
          const ul = document.createElement('ul');
          for (const s of seen) {
            const li = document.createElement('li');
            li.textContent = `${scaleLabel(s.name, m.answers[s.name])}: ${s.text}`;
            ul.append(li);
          }
          cell.append(ul);
        }
      }
    }
    const heading = document.createElement('h3');
    heading.textContent = 'Vergelijking van observatiemomenten';
    heading.tabIndex = -1;
    compare.replaceChildren(heading, table);
    compare.hidden = false;
    heading.focus();
  };

  // Start: restore what this browser kept, or begin a first moment dated today.
  state = load();
  if (state && form.dataset.filled === '1') {
    // The server sent this form back with the answers just posted: they are the newest, keep them.
    saveCurrent();
  } else if (state) {
    write(currentMoment());
    say('Je eerder ingevulde antwoorden zijn teruggezet uit deze browser.');
  } else {
    const id = newId();
    if (!dateInput.value) dateInput.value = today();
    state = { format: FORMAT, version, current: id, moments: [{ id, ...read(), savedAt: new Date().toISOString() }] };
  }
  dateInput.max = today();
  tools.hidden = false;
  renderMoments();
  renderOverview();

  // Answers changed: save and refresh. Events from the tools themselves (moment list, file input) are not answers.
  const onAnswer = (event) => {
    if (tools.contains(event.target)) return;
    saveCurrent();
    renderOverview();
    renderMoments();
  };
  form.addEventListener('input', onAnswer);
  form.addEventListener('change', onAnswer);
  select.addEventListener('change', () => {
    saveCurrent();
    state.current = select.value;
    write(currentMoment());
    persist();
    renderOverview();
    say(`Observatiemoment ${momentName(currentMoment())} is geopend.`);
  });

  tools.addEventListener('click', (event) => {
    const action = event.target.closest('[data-action]')?.dataset.action;
    if (!action) return;
    if (action === 'new') {
      saveCurrent();
      if (state.moments.length >= MAX_MOMENTS) return say(`Je kunt hoogstens ${MAX_MOMENTS} observatiemomenten bewaren.`);
      const label = labelInput.value;
      const id = newId();
      write({ date: today(), label, answers: {} });
      state.moments.push({ id, ...read(), savedAt: new Date().toISOString() });
      state.current = id;
      persist();
      renderMoments();
      renderOverview();
      say('Een nieuw, leeg observatiemoment is geopend. Het vorige is bewaard.');
      dateInput.focus();
    } else if (action === 'compare') {
      saveCurrent();
      renderCompare();
    } else if (action === 'export') {
      saveCurrent();
      const blob = new Blob([JSON.stringify({ ...state, version, exportedAt: new Date().toISOString() }, null, 2)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `signalenlijst-${(labelInput.value || 'observatie').replace(/[^\w-]+/g, '_')}-${today()}.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      say('Het bestand is gemaakt. Bewaar het op een veilige plek: er staan observaties in.');
    } else if (action === 'clear') {
      if (!window.confirm('Alle observaties in deze browser wissen? Dit kan niet ongedaan worden gemaakt.')) return;
      try {
        localStorage.removeItem(KEY);
      } catch {}
      const id = newId();
      write({ date: today(), label: '', answers: {} });
      state = { format: FORMAT, version, current: id, moments: [{ id, ...read(), savedAt: new Date().toISOString() }] };
      compare.hidden = true;
      compare.replaceChildren();
      renderMoments();
      renderOverview();
      say('Alle gegevens in deze browser zijn gewist.');
    }
  });

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    let data;
    try {
      if (file.size > 2_000_000) throw new Error('het bestand is te groot');
      data = JSON.parse(await file.text());
    } catch (err) {
      return say(
        `Dit bestand kan niet worden ingelezen: ${err instanceof SyntaxError ? 'het is geen geldig JSON-bestand' : err.message}. Er is niets veranderd.`,
      );
    }
    const problem = validate(data);
    if (problem) return say(`Dit bestand kan niet worden ingelezen: ${problem}. Er is niets veranderd.`);
    state = { format: FORMAT, version, current: data.current, moments: data.moments };
    write(currentMoment());
    persist();
    renderMoments();
    renderOverview();
    say(
      `${data.moments.length} observatiemoment${data.moments.length === 1 ? ' is' : 'en zijn'} ingelezen${data.version && data.version !== version ? ` (gemaakt met versie ${data.version}, nu versie ${version})` : ''}.`,
    );
  });
}
