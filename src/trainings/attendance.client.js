// The attendance list (/beheer/trainingen/sessies/:id/aanwezigheid): a tap on Aanwezig, Deels or
// Afwezig is saved with fetch, without reloading the page (and losing the place in a long list).
// Without this script each button posts its form and the page comes back at the same row.
const status = document.querySelector('[data-attendance-status]');
for (const form of document.querySelectorAll('form[data-attendance]')) {
  form.addEventListener('submit', async (event) => {
    const button = event.submitter;
    if (button?.name !== 'aanwezigheid') return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form));
    body.set('aanwezigheid', button.value);
    const row = form.closest('.hw-attendance__row');
    const name = row?.querySelector('strong')?.textContent ?? '';
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        credentials: 'same-origin',
      });
      const answer = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(answer.error ?? `fout ${res.status}`);
      for (const b of form.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.value === answer.attendance));
      const label = row?.querySelector('[data-attendance-label]');
      if (label) label.textContent = answer.label;
      if (status) status.textContent = `${name}: ${answer.label.toLowerCase()} opgeslagen.`;
    } catch (err) {
      if (status) status.textContent = `Niet opgeslagen voor ${name}: ${err.message}. Probeer het opnieuw.`;
    } finally {
      for (const b of form.querySelectorAll('button')) b.disabled = false;
      button.focus();
    }
  });
}
// The check-in page in the room: the code changes every quarter of an hour, so the page reloads itself.
if (document.querySelector('[data-checkin-qr]')) setTimeout(() => location.reload(), 60_000);
