// Live preview for the theme editor (/beheer/themas): while the editor types, the Markdown body is
// rendered by the server (the same renderer as the public page) and shown under the text field.
// Without this script the "Voorbeeld bekijken" button does the same with a full page.
const form = document.querySelector('form[data-theme-editor]');
const body = form?.querySelector('textarea[name="body"]');
const panel = document.getElementById('live-voorbeeld');
if (form && body && panel) {
  const target = panel.querySelector('[data-live-body]');
  const status = panel.querySelector('[data-live-status]');
  const csrf = form.querySelector('input[name="_csrf"]')?.value ?? '';
  let timer;
  let sent = 0;
  let last = '';
  const refresh = async () => {
    const text = body.value;
    if (text === last) return;
    last = text;
    const mine = ++sent;
    try {
      const res = await fetch('/beheer/themas/voorbeeld', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
        body: new URLSearchParams({ _csrf: csrf, body: text }),
        credentials: 'same-origin',
      });
      if (mine !== sent) return; // a newer request is on its way
      if (!res.ok) throw new Error(String(res.status));
      // The server renders Markdown with raw HTML disabled; the response is safe to insert.
      target.innerHTML = await res.text();
      status.textContent = 'Voorbeeld bijgewerkt';
    } catch {
      if (mine === sent) status.textContent = 'Het voorbeeld kon niet worden bijgewerkt. Gebruik de knop Voorbeeld bekijken.';
    }
  };
  panel.hidden = false;
  body.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  refresh();
}
