/**
 * Text for XML element content and attribute values. Characters XML 1.0 does not allow at all
 * (control characters other than tab, newline and carriage return; lone surrogates) are dropped:
 * escaping cannot make them legal, and one of them in an editor's title would break the document.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An instant as RFC 3339 / W3C Datetime in UTC, without milliseconds: 2025-03-01T09:30:00Z. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
