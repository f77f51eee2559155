// Signalenlijst enhancement: observations per child kept in this browser only (or only in the open
// page), a new moment that asks which child, comparison per child, export and import that asks
// before replacing, note counters, and the overview shown in the page with a history entry so Back
// returns to the form. The form works fully without this script. Only the overview is fetched
// from the server (rendered and forgotten there, as without JavaScript); nothing else is sent.
import { addMoment, applyImport, childrenOf, emptyStore, FORMAT, momentsOf, planImport, readImport, readStore, STORE_VERSION, serialise } from './store.js';

const KEY = 'hechtwerk.signalenlijst';
/** Only a preference, nothing about a child: "niets bewaren op dit apparaat". */
const EPHEMERAL_KEY = 'hechtwerk.signalenlijst.niets-bewaren';

const form = document.getElementById('signalenlijst');
const tools = document.getElementById('hw-tools');
if (form && tools && form.dataset.schema) init(form, tools);

function init(form, tools) {
  const schema = JSON.parse(form.dataset.schema);
  const version = schema.version;
  const $ = (id) => document.getElementById(id);
  const select = $('hw-moment');
  const overview = $('hw-overview');
  const message = $('hw-message');
  const compare = $('hw-compare');
  const fileInput = $('hw-import');
  const ephemeralBox = $('hw-ephemeral');
  const newPanel = $('hw-new');
  const newLabel = $('hw-new-label');
  const newError = $('hw-new-error');
  const importPanel = $('hw-import-choice');
  const asidePanel = $('hw-set-aside');
  const formView = $('hw-form-view');
  const resultView = $('hw-result-view');
  const dateInput = form.elements.namedItem('datum');
  const labelInput = form.elements.namedItem('label');
  const formTitle = document.title;

  const pad = (n) => String(n).padStart(2, '0');
  const today = () => {
    const d = new Date();
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  };
  const nowIso = () => new Date().toISOString();
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const dutchDate = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const showDate = (d) => (d ? dutchDate.format(new Date(`${d}T00:00:00Z`)) : 'zonder datum');
  const childName = (c) => (c ? `kind ${c}` : 'kind zonder label');
  const observations = (n) => `${n} observatie${n === 1 ? '' : 's'}`;
  const say = (text) => {
    message.textContent = text;
  };
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  };
  const button = (text, dataset, secondary = true) => {
    const b = el('button', { type: 'button', className: `utrecht-button utrecht-button--${secondary ? 'secondary' : 'primary'}-action` }, text);
    Object.assign(b.dataset, dataset);
    return b;
  };

  // --- the form <-> one observation -------------------------------------------------------------
  const radios = (name) => form.querySelectorAll(`input[name="${CSS.escape(name)}"]`);
  const fields = [
    ...schema.domains.flatMap((d) => [...d.signals.map((s) => [s.field, 'radio']), [d.contexts, 'checkbox'], [d.note, 'note']]),
    [schema.safety.field, 'radio'],
  ];
  const read = () => {
    const answers = {};
    for (const [name, kind] of fields) {
      if (kind === 'radio') {
        const value = form.querySelector(`input[name="${CSS.escape(name)}"]:checked`)?.value;
        if (value) answers[name] = value;
      } else if (kind === 'checkbox') {
        const values = [...form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((x) => x.value);
        if (values.length) answers[name] = values;
      } else {
        const value = form.elements.namedItem(name).value;
        if (value) answers[name] = value;
      }
    }
    return { date: dateInput.value, child: labelInput.value.trim(), answers };
  };
  const write = (moment) => {
    dateInput.value = moment.date ?? '';
    labelInput.value = moment.child ?? '';
    for (const [name, kind] of fields) {
      const value = moment.answers?.[name];
      if (kind === 'radio') for (const x of radios(name)) x.checked = x.value === value;
      else if (kind === 'checkbox') for (const x of radios(name)) x.checked = Array.isArray(value) && value.includes(x.value);
      else form.elements.namedItem(name).value = value ?? '';
    }
    updateCounters(false);
  };

  // --- counters on the notes: the limit is the textarea's maxlength, the same as the server's ---
  const live = $('hw-count-live');
  let liveTimer;
  const countText = (area) => {
    const left = area.maxLength - area.value.length;
    return left <= 0 ? `Je hebt het maximum van ${area.maxLength} tekens bereikt.` : `Nog ${left} van de ${area.maxLength} tekens over.`;
  };
  const updateCounters = (announce, only) => {
    for (const counter of form.querySelectorAll('[data-count-for]')) {
      const area = form.elements.namedItem(counter.dataset.countFor);
      if (!area || (only && area !== only)) continue;
      counter.hidden = false;
      counter.textContent = countText(area);
      counter.classList.toggle('hw-count--full', area.value.length >= area.maxLength);
    }
    if (announce && only) {
      // Screen readers hear the count once typing pauses, not at every key.
      clearTimeout(liveTimer);
      liveTimer = setTimeout(() => {
        live.textContent = countText(only);
      }, 1000);
    }
  };

  // --- storage -----------------------------------------------------------------------------------
  let ephemeral = false;
  try {
    ephemeral = localStorage.getItem(EPHEMERAL_KEY) === '1';
  } catch {}
  ephemeralBox.checked = ephemeral;
  let storageOk = true;
  const persist = () => {
    if (ephemeral) return;
    try {
      localStorage.setItem(KEY, serialise(store));
      storageOk = true;
    } catch {
      if (storageOk)
        say('Deze browser kan niets meer bewaren. Je antwoorden staan alleen op deze pagina. Exporteer ze naar een bestand als je ze wilt houden.');
      storageOk = false;
    }
  };
  let stored = null;
  try {
    stored = ephemeral ? null : localStorage.getItem(KEY);
  } catch {}
  const loaded = readStore(stored, schema, newId, nowIso());
  let store = loaded.store;
  const current = () => store.moments.find((m) => m.id === store.current);
  const saveCurrent = (edited) => {
    const m = current();
    if (!m) return;
    Object.assign(m, read(), { savedAt: nowIso(), version });
    if (edited) delete m.checkFirst;
    persist();
  };
  const startMoment = (child) => {
    addMoment(store, { id: newId(), child, date: today(), version, now: nowIso() });
    write(current());
  };

  // --- rendering ---------------------------------------------------------------------------------
  const domainStatus = (answers, d) => {
    const values = d.signals.map((s) => answers[s.field]).filter(Boolean);
    if (!values.length) return 'not-filled';
    const meaning = (v) => schema.scale.find((s) => s.value === v)?.meaning;
    return values.some((v) => meaning(v) === 'seen') ? 'signals' : 'answered';
  };
  const renderOverview = () => {
    const { answers, child } = read();
    const statuses = schema.domains.map((d) => domainStatus(answers, d));
    const seen = statuses.filter((s) => s === 'signals').length;
    const open = statuses.filter((s) => s === 'not-filled').length;
    overview.textContent = `${childName(child).replace(/^k/, 'K')}: signalen op ${seen} van de ${schema.domains.length} gebieden, ${open} ${open === 1 ? 'gebied' : 'gebieden'} nog niet ingevuld.`;
  };
  const renderMoments = () => {
    const groups = childrenOf(store).map((child) => {
      const group = el('optgroup', { label: childName(child).replace(/^k/, 'K') });
      group.append(...momentsOf(store, child).map((m) => new Option(showDate(m.date), m.id, false, m.id === store.current)));
      return group;
    });
    select.replaceChildren(...groups);
    select.value = store.current ?? '';
  };
  const download = (name, data) => {
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  const renderAside = () => {
    const items = store.setAside;
    asidePanel.hidden = items.length === 0;
    if (!items.length) return asidePanel.replaceChildren();
    asidePanel.replaceChildren(
      el('h3', { className: 'utrecht-heading-3', id: 'hw-aside-title' }, 'Apart gezet'),
      el(
        'p',
        {},
        'Wat niet helemaal te lezen was, staat hier, zodat er niets verloren gaat. Wat wel te lezen was, staat gewoon bij de observatiemomenten. Download het origineel als bestand en bewaar het op een veilige plek, of gooi het weg.',
      ),
      el(
        'ul',
        { className: 'hw-aside-list' },
        ...items.map((item) =>
          el(
            'li',
            {},
            el('span', {}, item.reason),
            ' ',
            button('Download als bestand', { asideDownload: item.id }),
            ' ',
            button('Weggooien', { asideDiscard: item.id }),
          ),
        ),
      ),
    );
  };
  const renderAll = () => {
    renderMoments();
    renderOverview();
    renderAside();
  };

  // --- start ---------------------------------------------------------------------------------------
  if (form.dataset.filled === '1') {
    // The server sent this form back with the answers just posted: they are the newest.
    if (current()) saveCurrent(true);
    else {
      addMoment(store, { id: newId(), child: '', date: '', version, now: nowIso() });
      saveCurrent(true);
    }
  } else if (current()) {
    write(current());
    say(`Je eerder ingevulde antwoorden zijn teruggezet uit deze browser (${childName(current().child)}, ${showDate(current().date)}).`);
  } else {
    startMoment('');
  }
  const unreadable = loaded.unreadable;
  if (unreadable > 0)
    say(
      `${observations(unreadable)} kon${unreadable === 1 ? '' : 'den'} niet (helemaal) worden gelezen; download ${unreadable === 1 ? 'haar' : 'ze'} als bestand onder “Apart gezet”.`,
    );
  if (current()?.checkFirst)
    say(
      `${message.textContent} Dit observatiemoment komt uit een eerdere versie van de lijst, waarin “Niet gezien” al vooraf was gekozen. Bij gebieden zonder ander antwoord staat nu “niet ingevuld”. Controleer je antwoorden.`.trim(),
    );
  if (loaded.changed) persist();
  dateInput.max = today();
  tools.hidden = false;
  renderAll();
  updateCounters(false);

  // --- events ----------------------------------------------------------------------------------
  const onAnswer = (event) => {
    if (event.target.tagName === 'TEXTAREA') updateCounters(true, event.target);
    saveCurrent(true);
    renderOverview();
    if (event.target === labelInput || event.target === dateInput) renderMoments();
  };
  form.addEventListener('input', onAnswer);
  form.addEventListener('change', onAnswer);

  select.addEventListener('change', () => {
    saveCurrent(false);
    store.current = select.value;
    write(current());
    persist();
    renderOverview();
    closeCompare();
    say(`Het observatiemoment van ${showDate(current().date)} (${childName(current().child)}) is geopend.`);
  });

  ephemeralBox.addEventListener('change', () => {
    ephemeral = ephemeralBox.checked;
    try {
      if (ephemeral) {
        localStorage.setItem(EPHEMERAL_KEY, '1');
        localStorage.removeItem(KEY);
      } else localStorage.removeItem(EPHEMERAL_KEY);
    } catch {}
    if (ephemeral)
      say(
        'Er staat nu niets meer op dit apparaat. Je observaties staan alleen in deze geopende pagina; sluit je haar, dan zijn ze weg. Exporteer ze naar een bestand als je ze wilt houden.',
      );
    else {
      saveCurrent(false);
      say('Je observaties worden weer in deze browser bewaard.');
    }
  });

  // New moment: always ask which child; a label is never copied without that choice.
  const newButton = tools.querySelector('[data-action=new]');
  const closeNew = () => {
    newPanel.hidden = true;
    newButton.setAttribute('aria-expanded', 'false');
  };
  newPanel.addEventListener('change', () => {
    $('hw-new-label-field').hidden = !$('hw-new-other').checked;
  });

  // --- comparison: one child, rows = signals, columns = moments -----------------------------------
  const answerLabel = (value) => schema.scale.find((s) => s.value === value)?.label ?? value;
  const closeCompare = () => {
    compare.hidden = true;
    compare.replaceChildren();
    document.documentElement.classList.remove('hw-comparing');
  };
  const renderCompare = () => {
    const child = current()?.child ?? '';
    const moments = momentsOf(store, child);
    const heading = el('h2', { className: 'utrecht-heading-2', id: 'hw-compare-title', tabIndex: -1 }, `Vergelijking voor ${childName(child)}`);
    const table = el('table', { className: 'hw-table hw-compare-table' });
    table.createCaption().textContent = `Antwoorden per signaal, ${observations(moments.length).replace('observatie', 'observatiemoment').replace('observatiemoments', 'observatiemomenten')} van ${childName(child)}`;
    const head = table.createTHead().insertRow();
    head.append(el('th', { scope: 'col' }, 'Signaal'), ...moments.map((m) => el('th', { scope: 'col' }, showDate(m.date))));
    const groups = [
      ...schema.domains.map((d) => ({ title: d.name, rows: d.signals.map((s) => ({ field: s.field, text: s.text })) })),
      { title: 'Veiligheid', rows: [{ field: schema.safety.field, text: 'Twijfel over de veiligheid van het kind', safety: true }] },
    ];
    for (const g of groups) {
      const body = table.createTBody();
      const titleRow = body.insertRow();
      titleRow.className = 'hw-compare-group';
      titleRow.append(el('th', { scope: 'colgroup', colSpan: moments.length + 1 }, g.title));
      for (const r of g.rows) {
        const row = body.insertRow();
        row.append(el('th', { scope: 'row' }, r.text));
        for (const m of moments) {
          const value = m.answers[r.field];
          const text = !value ? 'Niet ingevuld' : r.safety ? (schema.safety.labels[value] ?? value) : answerLabel(value);
          const cell = el('td', {}, text);
          cell.dataset.label = showDate(m.date);
          cell.dataset.answer = value ?? '';
          const seen = !r.safety && schema.scale.find((x) => x.value === value)?.meaning === 'seen';
          const concern = r.safety && (value === 'ja' || value === 'twijfel');
          if (!value) cell.className = 'hw-cell--empty';
          else if (seen || concern) cell.className = 'hw-cell--seen';
          row.append(cell);
        }
      }
    }
    const basis = document.querySelector('.hw-basis');
    compare.replaceChildren(
      ...[
        heading,
        moments.length < 2
          ? el('p', {}, `Er is nog maar één observatiemoment voor ${childName(child)}. Begin een nieuw moment voor hetzelfde kind om te vergelijken.`)
          : null,
        el(
          'div',
          { className: 'hw-compare-notes' },
          el('p', {}, 'Een vergelijking laat zien wat je op verschillende momenten zag. Het is geen diagnose.'),
          ...[...(basis?.querySelectorAll('p') ?? [])].map((p) => el('p', {}, p.textContent)),
        ),
        el('div', { className: 'hw-compare-scroll' }, table),
        el(
          'div',
          { className: 'hw-tools__row hw-no-print' },
          button('Vergelijking afdrukken', { action: 'print' }, false),
          button('Sluit de vergelijking', { action: 'compare-close' }),
        ),
      ].filter(Boolean),
    );
    compare.hidden = false;
    document.documentElement.classList.add('hw-comparing');
    heading.focus();
  };

  // --- import: show what would change, and change nothing before the user chooses -----------------
  let pending = null;
  const closeImport = () => {
    pending = null;
    importPanel.hidden = true;
    importPanel.replaceChildren();
  };
  const describe = (moments) =>
    childrenOf({ moments }).map((child) =>
      el(
        'li',
        {},
        `${childName(child)}: ${momentsOf({ moments }, child)
          .map((m) => showDate(m.date))
          .join(', ')}`,
      ),
    );
  const renderImport = (incoming, problems) => {
    const plan = planImport(store, incoming);
    pending = { incoming, problems };
    const here = store.moments.filter((m) => Object.keys(m.answers).length || m.child);
    importPanel.replaceChildren(
      ...[
        el('h3', { className: 'utrecht-heading-3', id: 'hw-import-title' }, 'Bestand inlezen'),
        el('p', {}, `In het bestand staan ${observations(incoming.length)}:`),
        el('ul', {}, ...describe(incoming)),
        problems.length
          ? el(
              'p',
              {},
              `${observations(problems.length)} in het bestand kon${problems.length === 1 ? '' : 'den'} niet helemaal worden gelezen. Het origineel komt bij “Apart gezet”.`,
            )
          : null,
        el(
          'fieldset',
          { className: 'hw-signal' },
          el('legend', {}, 'Wat wil je doen met de observaties op dit apparaat?'),
          el(
            'div',
            { className: 'hw-import-options' },
            el(
              'label',
              { className: 'hw-choice', htmlFor: 'hw-import-add' },
              el('input', { type: 'radio', name: 'hw-import-mode', id: 'hw-import-add', value: 'add' }),
              `Toevoegen: alles wat hier staat blijft staan (${plan.add.length} nieuw${plan.duplicates ? `, ${plan.duplicates} stond${plan.duplicates === 1 ? '' : 'en'} er al` : ''})`,
            ),
            el(
              'label',
              { className: 'hw-choice', htmlFor: 'hw-import-replace' },
              el('input', { type: 'radio', name: 'hw-import-mode', id: 'hw-import-replace', value: 'replace' }),
              `Vervangen: de ${observations(here.length)} op dit apparaat ${here.length === 1 ? 'wordt' : 'worden'} verwijderd`,
            ),
          ),
        ),
        here.length ? el('p', {}, 'Bij vervangen verdwijnt:') : null,
        here.length ? el('ul', { id: 'hw-import-replaced' }, ...describe(here)) : null,
        el('p', { className: 'hw-field-error', id: 'hw-import-error', hidden: true }, 'Kies eerst: toevoegen of vervangen.'),
        el('div', { className: 'hw-tools__row' }, button('Inlezen', { action: 'import-apply' }, false), button('Annuleren', { action: 'import-cancel' })),
      ].filter(Boolean),
    );
    importPanel.hidden = false;
    importPanel.focus();
  };

  const onAction = (event) => {
    const target = event.target.closest('button');
    if (!target) return;
    const { action, asideDownload, asideDiscard } = target.dataset;
    if (asideDownload) {
      const item = store.setAside.find((x) => x.id === asideDownload);
      if (item) download(`signalenlijst-apart-gezet-${today()}.json`, { format: FORMAT, setAsideAt: item.at, reason: item.reason, data: item.data });
      return say('Het bestand is gemaakt. Bewaar het op een veilige plek: er staan observaties in.');
    }
    if (asideDiscard) {
      if (!window.confirm('Dit apart gezette onderdeel weggooien? Dit kan niet ongedaan worden gemaakt.')) return;
      store.setAside = store.setAside.filter((x) => x.id !== asideDiscard);
      persist();
      renderAside();
      return say('Het apart gezette onderdeel is weggegooid.');
    }
    if (action === 'new') {
      saveCurrent(false);
      const open = newPanel.hidden;
      newPanel.hidden = !open;
      newButton.setAttribute('aria-expanded', String(open));
      if (!open) return;
      const child = current()?.child ?? '';
      $('hw-new-same-label').textContent = `Hetzelfde kind (${child || 'zonder label'})`;
      for (const r of newPanel.querySelectorAll('input[type=radio]')) r.checked = false;
      newLabel.value = '';
      $('hw-new-label-field').hidden = true;
      newError.hidden = true;
      $('hw-new-same').focus();
    } else if (action === 'new-cancel') {
      closeNew();
      newButton.focus();
    } else if (action === 'new-start') {
      const choice = newPanel.querySelector('input[name="hw-new-child"]:checked')?.value;
      const other = newLabel.value.trim();
      const problem = !choice ? 'Kies eerst: hetzelfde kind of een ander kind.' : choice === 'other' && !other ? 'Vul het label van het andere kind in.' : '';
      newError.textContent = problem;
      newError.hidden = !problem;
      if (problem) return (choice ? newLabel : $('hw-new-same')).focus();
      saveCurrent(false);
      const child = choice === 'same' ? (current()?.child ?? '') : other;
      startMoment(child);
      persist();
      closeNew();
      closeCompare();
      renderAll();
      say(`Een nieuw, leeg observatiemoment voor ${childName(child)} is geopend. Het vorige is bewaard.`);
      dateInput.focus();
    } else if (action === 'compare') {
      saveCurrent(false);
      renderCompare();
    } else if (action === 'compare-close') {
      closeCompare();
      tools.querySelector('[data-action=compare]').focus();
    } else if (action === 'print') {
      window.print();
    } else if (action === 'export') {
      saveCurrent(false);
      download(`signalenlijst-observaties-${today()}.json`, {
        format: FORMAT,
        storeVersion: STORE_VERSION,
        version,
        exportedAt: nowIso(),
        moments: store.moments,
      });
      say('Het bestand is gemaakt. Bewaar het op een veilige plek: er staan observaties in.');
    } else if (action === 'import-cancel') {
      closeImport();
      say('Er is niets ingelezen en niets veranderd.');
    } else if (action === 'import-apply') {
      const mode = importPanel.querySelector('input[name="hw-import-mode"]:checked')?.value;
      if (!mode || !pending) {
        $('hw-import-error').hidden = false;
        return importPanel.querySelector('input[name="hw-import-mode"]')?.focus();
      }
      saveCurrent(false);
      const before = store.moments.length;
      applyImport(store, pending.incoming, mode, newId);
      store.setAside.push(...pending.problems);
      if (!current()) startMoment('');
      write(current());
      persist();
      closeImport();
      closeCompare();
      renderAll();
      say(
        mode === 'add'
          ? `${observations(store.moments.length - before)} toegevoegd. Alles wat er al stond, is bewaard.`
          : `De observaties zijn vervangen door de ${observations(store.moments.length)} uit het bestand.`,
      );
    } else if (action === 'clear') {
      if (!window.confirm('Alle observaties in deze browser wissen? Dit kan niet ongedaan worden gemaakt.')) return;
      try {
        localStorage.removeItem(KEY);
      } catch {}
      store = emptyStore();
      startMoment('');
      closeCompare();
      closeImport();
      closeNew();
      renderAll();
      say('Alle gegevens in deze browser zijn gewist.');
    }
  };
  // The comparison sits outside the tools (so it can be printed on its own); both use the same buttons.
  tools.addEventListener('click', onAction);
  compare.addEventListener('click', onAction);

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    const result = file.size > 5_000_000 ? { error: 'het bestand is te groot' } : readImport(await file.text(), schema, newId, nowIso());
    if (result.error) {
      closeImport();
      return say(`Dit bestand kan niet worden ingelezen: ${result.error}. Er is niets veranderd.`);
    }
    say('');
    renderImport(result.moments, result.problems);
  });

  // --- the overview in the page, with a history entry: Back returns to the filled-in form -------
  let lastResult = null;
  const clearErrors = () => {
    form.querySelector('#foutmeldingen')?.remove();
    for (const x of form.querySelectorAll('.hw-field-error')) x.remove();
    for (const x of form.querySelectorAll('.utrecht-form-field--invalid')) x.classList.remove('utrecht-form-field--invalid');
    for (const x of form.querySelectorAll('.hw-signal--invalid')) x.classList.remove('hw-signal--invalid');
    for (const x of form.querySelectorAll('[aria-invalid]')) x.removeAttribute('aria-invalid');
    for (const x of form.querySelectorAll('[aria-describedby]')) {
      const ids = x
        .getAttribute('aria-describedby')
        .split(/\s+/)
        .filter((id) => !id.endsWith('-error'));
      if (ids.length) x.setAttribute('aria-describedby', ids.join(' '));
      else x.removeAttribute('aria-describedby');
    }
  };
  const showForm = () => {
    resultView.hidden = true;
    formView.hidden = false;
    document.title = formTitle;
    $('hw-form-title').focus({ preventScroll: true });
  };
  const showResult = (article, title, push) => {
    resultView.replaceChildren(article);
    resultView.hidden = false;
    formView.hidden = true;
    document.title = title;
    lastResult = { article, title };
    if (push) history.pushState({ view: 'overzicht' }, '', '#overzicht');
    window.scrollTo(0, 0);
    $('overzicht-titel')?.focus();
  };
  const fetchResult = async (push) => {
    saveCurrent(false);
    let res;
    try {
      res = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin', cache: 'no-store' });
    } catch {
      return say('Het overzicht kon niet worden gemaakt, want er is geen verbinding. Je antwoorden staan er nog. Probeer het zo opnieuw.');
    }
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.getElementById('signalenlijst');
    if (res.status === 400 && fresh) {
      // Same error summary and messages as without JavaScript, in place: nothing is lost.
      form.replaceChildren(...[...fresh.childNodes].map((n) => document.importNode(n, true)));
      updateCounters(false);
      document.title = doc.title;
      return $('foutmeldingen')?.focus();
    }
    const article = doc.querySelector('article.hw-result');
    if (!res.ok || !article) return say('Het overzicht kon niet worden gemaakt. Je antwoorden staan er nog. Probeer het later opnieuw.');
    clearErrors();
    showResult(document.importNode(article, true), doc.title, push);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void fetchResult(true);
  });
  resultView.addEventListener('submit', (event) => {
    // "Antwoorden aanpassen": the form is still here, with every answer.
    if (event.target.id !== 'hw-edit-answers') return;
    event.preventDefault();
    if (history.state?.view === 'overzicht') history.back();
    else showForm();
  });
  window.addEventListener('popstate', (event) => {
    if (event.state?.view === 'overzicht') {
      if (lastResult) showResult(lastResult.article, lastResult.title, false);
      else void fetchResult(false);
    } else if (!resultView.hidden) showForm();
  });
  // Reloaded while the overview was shown: start from the form (the answers are restored above).
  if (history.state?.view === 'overzicht' || location.hash === '#overzicht') history.replaceState(null, '', location.pathname + location.search);
}
