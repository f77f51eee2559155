import type { FC } from 'hono/jsx';
import { Alert } from './alert.tsx';
import { VEILIG_THUIS } from './layout.tsx';

/**
 * The Veilig Thuis notice, for pages where a reader weighs what to do: home, theme pages, the
 * signalenlijst result, the Meldcode guide. Not on training or beheer pages. `short`: one line,
 * for pages where something went wrong (404, 500). The layout leaves the number out of the footer
 * (and, when the content shows it twice, out of the header) so a page never shows it three times.
 */
export const VeiligThuis: FC<{ short?: boolean; title?: string }> = ({ short, title = 'Twijfel je of een kind veilig is?' }) =>
  short ? (
    <p class="hw-vt-line">
      Zorgen om een kind? Bel Veilig Thuis: <a href={VEILIG_THUIS.tel}>{VEILIG_THUIS.display}</a>, gratis en dag en nacht.
    </p>
  ) : (
    <Alert type="info" element="aside" title={title} headingId="vt-heading" class="hw-notice hw-vt">
      <p>
        Bel Veilig Thuis voor advies of een melding: <a href={VEILIG_THUIS.tel}>{VEILIG_THUIS.display}</a>, gratis en dag en nacht bereikbaar. Bij acuut gevaar
        bel je <a href="tel:112">112</a>.
      </p>
    </Alert>
  );
