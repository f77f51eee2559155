import { describe, expect, it } from 'vitest';
import { Alert, type AlertType } from './alert.tsx';
import { buildCss } from './assets.ts';
import { VeiligThuis } from './veilig-thuis.tsx';

const html = async (node: unknown) => String(await (node as { toString(): string | Promise<string> }).toString());

describe('Alert (NL Design System alert types)', () => {
  it.each<AlertType>(['ok', 'info', 'warning', 'error'])(
    'type %s: the Utrecht alert classes, an icon hidden from screen readers, the message',
    async (type) => {
      const out = await html(
        <Alert type={type} role="status">
          <p>Gelukt</p>
        </Alert>,
      );
      expect(out).toBe(
        `<div class="utrecht-alert utrecht-alert--${type} hw-alert" role="status"><span class="hw-alert__icon" aria-hidden="true"></span><div class="utrecht-alert__content"><div class="utrecht-alert__message"><p>Gelukt</p></div></div></div>`,
      );
    },
  );

  it('an aside or section is named by its heading; an error can take the focus on load', async () => {
    const aside = await html(
      <Alert type="info" element="aside" title="Goed om te weten" headingId="weten" headingLevel={3} class="hw-extra">
        <p>Tekst</p>
      </Alert>,
    );
    expect(aside).toMatch(/^<aside class="utrecht-alert utrecht-alert--info hw-alert hw-extra" aria-labelledby="weten">/);
    expect(aside).toContain('<h3 id="weten" class="utrecht-heading-3 hw-alert__title">Goed om te weten</h3>');
    const error = await html(
      <Alert type="error" role="alert" focus>
        <p>Mis</p>
      </Alert>,
    );
    expect(error).toMatch(/^<div class="utrecht-alert utrecht-alert--error hw-alert" role="alert" tabindex="-1" autofocus="">/);
  });

  it('VeiligThuis works without props (the Meldcode guide uses it so) and has a one-line form', async () => {
    const notice = await html(<VeiligThuis />);
    expect(notice).toContain('class="utrecht-alert utrecht-alert--info hw-alert hw-notice hw-vt" aria-labelledby="vt-heading"');
    expect(notice).toContain('<a href="tel:08002000">0800-2000</a>');
    expect(notice.split('0800-2000')).toHaveLength(2);
    const line = await html(<VeiligThuis short />);
    expect(line).toMatch(/^<p class="hw-vt-line">/);
    expect(line.split('0800-2000')).toHaveLength(2);
  });

  it('the purged stylesheet keeps all four types and their colours', async () => {
    const css = await buildCss();
    for (const type of ['ok', 'info', 'warning', 'error']) {
      expect(css).toContain(`.utrecht-alert--${type}{`);
      expect(css).toContain(`--utrecht-alert-${type}-background-color:`);
      expect(css).toContain(`.utrecht-alert--${type} .hw-alert__icon::before{`);
    }
    // The menu's list is shown as a row on a wide screen where the browser can style a disclosure's content.
    expect(css).toContain('@supports selector(::details-content)');
  });
});
