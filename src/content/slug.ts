/** A URL slug from a title or name: lower case, no accents, words joined by hyphens, at most 80 characters. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
