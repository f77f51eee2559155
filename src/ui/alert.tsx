import type { Child, FC } from 'hono/jsx';

/** The four NL Design System alert types: success, information, warning and error. */
export type AlertType = 'ok' | 'info' | 'warning' | 'error';

// Written out whole, so the CSS purge (src/ui/assets.ts) finds each class in the source.
const TYPE_CLASS: Record<AlertType, string> = {
  ok: 'utrecht-alert--ok',
  info: 'utrecht-alert--info',
  warning: 'utrecht-alert--warning',
  error: 'utrecht-alert--error',
};

export interface AlertProps {
  type: AlertType;
  /** A heading inside the alert; with `headingId` it also names an <aside> or <section>. */
  title?: string;
  headingLevel?: 2 | 3;
  headingId?: string;
  /** 'status' for a message that follows an action, 'alert' for an error that needs attention now. */
  role?: 'status' | 'alert';
  /** A landmark for a notice that stands on its own (aside) or a named region (section); a div otherwise. */
  element?: 'div' | 'aside' | 'section';
  /** Extra classes, e.g. to keep a class that tests or print styles look for. */
  class?: string;
  id?: string;
  /** Moves focus to the alert on load (an error after a form post), like the error summary. */
  focus?: boolean;
  children?: Child;
}

/**
 * A notice in one of the four alert styles (@utrecht/alert-css, colours in theme.css). The type is
 * never told by colour alone: the icon differs per type and the text says what happened.
 */
export const Alert: FC<AlertProps> = ({ type, title, headingLevel = 2, headingId, role, element = 'div', class: extra, id, focus, children }) => {
  const Tag = element;
  const heading = title ? (
    headingLevel === 2 ? (
      <h2 id={headingId} class="utrecht-heading-3 hw-alert__title">
        {title}
      </h2>
    ) : (
      <h3 id={headingId} class="utrecht-heading-3 hw-alert__title">
        {title}
      </h3>
    )
  ) : null;
  return (
    <Tag
      class={`utrecht-alert ${TYPE_CLASS[type]} hw-alert${extra ? ` ${extra}` : ''}`}
      role={role}
      id={id}
      aria-labelledby={element !== 'div' && title && headingId ? headingId : undefined}
      tabindex={focus ? -1 : undefined}
      autofocus={focus || undefined}
    >
      <span class="hw-alert__icon" aria-hidden="true" />
      <div class="utrecht-alert__content">
        <div class="utrecht-alert__message">
          {heading}
          {children}
        </div>
      </div>
    </Tag>
  );
};
