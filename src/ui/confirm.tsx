import type { Child, FC } from 'hono/jsx';
import { Alert } from './alert.tsx';

/**
 * The confirmation page every destructive or mass action goes through (cancel a session, mail
 * everyone, send certificates, unregister someone, disable an account, delete). It says what
 * will happen and to how many people, on a page of its own: the button that does it is never
 * beside a save button. The count the person saw travels back as `aantal`; the service checks it
 * under its lock, so a confirmation for 14 people never mails 15 (see `confirmedCount`).
 */
export interface ConfirmProps {
  /** The question, as the page's heading: "Bijeenkomst annuleren?" */
  title: string;
  /** Where the confirmed form posts to. */
  action: string;
  /** What will happen, and whether it can be undone. */
  lead: Child;
  /** Who is affected, counted ("14 mensen krijgen een mail."); its number goes back as `aantal`. */
  count?: { n: number; text: string };
  /** Details below the lead: the people, the message, the session. */
  children?: Child;
  /** Fields the confirmed form carries (the CSRF token, a message's subject and text). */
  hidden?: Record<string, string>;
  /** The button's words, saying what it does: "Ja, annuleer de bijeenkomst". */
  confirm: string;
  back: { href: string; label: string };
  /** What changed since the person last looked (another editor, a new registration): asked again. */
  changed?: string;
}

export const ConfirmAction: FC<ConfirmProps> = ({ title, action, lead, count, children, hidden = {}, confirm, back, changed }) => (
  <>
    <h1 class="utrecht-heading-1">{title}</h1>
    {changed ? (
      <Alert type="error" role="alert" focus>
        <p>{changed}</p>
      </Alert>
    ) : null}
    <Alert type="warning">
      <p class="hw-alert__lead">{lead}</p>
      {count ? <p class="hw-confirm__count">{count.text}</p> : null}
    </Alert>
    {children}
    <form method="post" action={action} class="hw-actions hw-confirm__actions">
      {Object.entries(hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="bevestig" value="ja" />
      {count ? <input type="hidden" name="aantal" value={String(count.n)} /> : null}
      <button class="utrecht-button utrecht-button--primary-action hw-button-danger" type="submit">
        {confirm}
      </button>
      <a class="utrecht-link" href={back.href}>
        {back.label}
      </a>
    </form>
  </>
);

/** Whether a form was sent from a confirmation page. */
export const isConfirmed = (form: Record<string, unknown>) => form.bevestig === 'ja';

/**
 * The count the person confirmed, or `null` when the form did not come from a confirmation page
 * that showed one (then the page is shown, never the action done).
 */
export function confirmedCount(form: Record<string, unknown>): number | null {
  if (!isConfirmed(form) || typeof form.aantal !== 'string' || !/^\d{1,6}$/.test(form.aantal)) return null;
  return Number(form.aantal);
}

/** "1 persoon" / "14 mensen". */
export const countPeople = (n: number) => `${n} ${n === 1 ? 'persoon' : 'mensen'}`;

/** "14 mensen krijgen een mail" / "1 persoon krijgt een mail". */
export const gets = (n: number, what: string) => `${countPeople(n)} ${n === 1 ? 'krijgt' : 'krijgen'} ${what}`;
