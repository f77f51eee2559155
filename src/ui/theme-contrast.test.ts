import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** WCAG 2.1 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const n = hex.replace('#', '');
  const full = n.length === 3 ? [...n].map((c) => c + c).join('') : n;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number);
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi as number) + 0.05) / ((lo as number) + 0.05);
}

const css = readFileSync('src/ui/styles/theme.css', 'utf8');
const token = (name: string): string => {
  const m = new RegExp(`--hw-color-${name}:\\s*(#[0-9a-fA-F]{3,6})`).exec(css);
  if (!m?.[1]) throw new Error(`token --hw-color-${name} missing`);
  return m[1];
};

// Every pair the stylesheet actually puts together: text on its background.
const PAIRS: [string, string, number][] = [
  ['text', 'bg', 4.5],
  ['text-muted', 'bg', 4.5],
  ['link', 'bg', 4.5],
  ['link-visited', 'bg', 4.5],
  ['accent', 'bg', 4.5],
  ['error', 'bg', 4.5],
  ['text', 'surface', 4.5],
  ['text-muted', 'surface', 4.5],
  ['link', 'surface', 4.5],
  ['text', 'notice-bg', 4.5],
  ['link', 'notice-bg', 4.5],
  ['link-visited', 'surface', 4.5],
  ['link-visited', 'notice-bg', 4.5],
  ['accent', 'surface', 4.5],
  ['accent', 'notice-bg', 4.5],
  ['primary-contrast', 'primary', 4.5],
  ['focus-ring', 'focus', 4.5],
  ['text', 'focus', 4.5],
  ['border', 'bg', 3], // form control borders: non-text contrast
  ['focus-ring', 'bg', 3],
  // Alerts (src/ui/alert.tsx): text and links on each type's background; the type's colour (the
  // thick border and the icon) stands out from that background and from the page.
  ...(['ok', 'info', 'warning', 'error'] as const).flatMap((type): [string, string, number][] => [
    ['text', `${type}-bg`, 4.5],
    ['link', `${type}-bg`, 4.5],
    ['link-visited', `${type}-bg`, 4.5],
    [type, `${type}-bg`, 3],
    [type, 'bg', 3],
  ]),
];

describe('theme contrast (WCAG AA)', () => {
  it('the formula matches known values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
  it.each(PAIRS)('%s on %s ≥ %s', (fg, bg, min) => {
    const ratio = contrast(token(fg), token(bg));
    expect(ratio).toBeGreaterThanOrEqual(min);
  });
  it.each(['ok', 'info', 'warning', 'error'])('the white sign in the %s alert’s icon ≥ 4.5', (type) => {
    expect(contrast('#ffffff', token(type))).toBeGreaterThanOrEqual(4.5);
  });
  it('the four alert types differ in colour, not only in their icon', () => {
    const colours = ['ok', 'info', 'warning', 'error'].map((type) => `${token(type)} ${token(`${type}-bg`)}`);
    expect(new Set(colours).size).toBe(4);
  });
  it('white text on the dark navigation band (app.css)', () => {
    const band = /\.hw-nav \{\s*background: (#[0-9a-f]{6})/.exec(readFileSync('src/ui/styles/app.css', 'utf8'))?.[1];
    expect(band).toBeDefined();
    expect(contrast('#ffffff', band as string)).toBeGreaterThanOrEqual(4.5);
  });
});
