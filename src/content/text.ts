// Control characters (NUL above all) are refused by PostgreSQL text; typed into a one-line field they never mean anything.
const controlChars = /[\u0000-\u001f\u007f-\u009f]/g;

/** A value for a one-line field or a query: control characters and runs of white space become one space, trimmed. */
export const oneLine = (v: string) => v.replace(controlChars, ' ').replace(/\s+/g, ' ').trim();

/** A typed value quoted in a message, cut at 40 characters: “hechtin…”. */
export const quoted = (v: string) => `“${v.length > 40 ? `${v.slice(0, 40)}…` : v}”`;
