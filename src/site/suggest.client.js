// Search suggestions: an ARIA 1.2 combobox. Without it, a plain form.
const form = document.querySelector('form[data-suggest]');
const input = form.querySelector('input[name="q"]');
const el = (tag, attrs, ...kids) => {
  const e = tag.append ? tag : document.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
};
const on = (target, type, f) => target.addEventListener(type, f);
const list = el('ul', { id: 'suggesties', class: 'hw-suggest', role: 'listbox', 'aria-label': 'Suggesties', hidden: '' });
const live = el('p', { class: 'hw-visually-hidden', role: 'status' });
input.parentElement.append(list, live);
el(input, { role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': false, 'aria-controls': list.id, autocomplete: 'off' });
// Back, reload: what was typed (autocomplete off is not restored).
input.value = history.state?.typed ?? input.value;
const keep = () => history.replaceState({ typed: input.value }, '');
let items = [];
let active = -1;
let timer;
let ctrl;
const pick = (i) => {
  active = i;
  for (const li of items) li.setAttribute('aria-selected', li === items[i]);
  if (i < 0) input.removeAttribute('aria-activedescendant');
  else {
    input.setAttribute('aria-activedescendant', items[i].id);
    // Zoomed in: maybe out of view.
    items[i].scrollIntoView({ block: 'nearest' });
  }
};
const open = (yes) => {
  list.hidden = !yes;
  input.setAttribute('aria-expanded', yes);
  if (!yes) pick(-1);
};
const show = (found, say) => {
  open(false);
  items = found.map((s, n) =>
    el('li', { id: `q-s${n}`, role: 'option', 'data-url': s.url }, `${s.title} `, el('span', {}, s.site ? `${s.label} · ${s.site}` : s.label)),
  );
  list.replaceChildren(...items);
  open(items.length > 0 && document.activeElement === input);
  live.textContent = say ?? `${items.length || 'geen'} suggestie${items.length === 1 ? '' : 's'}`;
};
const q = () => input.value.trim();
const load = async (text) => {
  ctrl = new AbortController();
  try {
    const res = await fetch(`${form.dataset.suggest}?q=${encodeURIComponent(text)}`, { signal: ctrl.signal });
    const found = res.ok ? await res.json() : [];
    if (text === q()) show(found);
  } catch {} // aborted or offline
};
// Leaving (also mid-typing): no list now, nor on Back.
const stop = () => {
  clearTimeout(timer);
  ctrl?.abort();
  keep();
};
const go = (li) => {
  if (!li) return;
  stop();
  open(false);
  location.assign(li.dataset.url);
};

on(input, 'input', () => {
  const text = q();
  clearTimeout(timer);
  ctrl?.abort();
  // Enter then searches what was typed.
  pick(-1);
  const ask = text.length > 2 && text.length < 101;
  if (!ask) show([], '');
  timer = setTimeout(() => {
    keep(); // on a pause: history takes only so many changes
    if (ask) load(text);
  }, 150);
});
on(input, 'keydown', (e) => {
  const k = e.key;
  const n = items.length;
  if ((k === 'ArrowDown' || k === 'ArrowUp') && n) {
    e.preventDefault();
    open(true);
    pick(k === 'ArrowDown' ? (active + 1) % n : (active < 1 ? n : active) - 1);
  } else if (k === 'Enter' && active >= 0) {
    e.preventDefault();
    go(items[active]);
  } else if (k === 'Escape') {
    e.preventDefault();
    if (!list.hidden) return open(false);
    input.value = '';
    input.dispatchEvent(new Event('input'));
  } else if (k === 'Tab') open(false);
});
on(form, 'submit', stop);
on(input, 'blur', () => open(false));
on(list, 'mousedown', (e) => e.preventDefault()); // keeps the focus
on(list, 'click', (e) => go(e.target.closest('li')));
