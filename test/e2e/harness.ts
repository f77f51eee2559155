import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { CHROMIUM } from '../env.ts';
import { createTestApp } from '../helpers.ts';

export const browserEnabled = process.env.HW_TEST_BROWSER === '1';

export const VIEWPORTS = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

/** Debian's Chromium, headless; `extraArgs` adds flags (e.g. `--disable-back-forward-cache`). */
export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** The real app on a loopback port, on a fresh in-memory database. */
export async function startServer() {
  const t = await createTestApp('embedded');
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    ...t,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/**
 * axe-core with WCAG 2.1 A/AA rules (and best practices); fails listing every violation.
 * Legacy mode: axe.run() in the page itself (same-origin frames included) instead of runPartial()
 * per frame and finishRun() in a blank page opened for each check, which only cross-origin frames
 * need; our pages have none (the CSP allows no other origin). Same rules, same results, and about
 * half the time: 0.94 s instead of 1.73 s per page here, most of the browser tests' time.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).setLegacyMode().withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
export async function expectNoAxeViolations(page: Page, label: string) {
  expect(await axeViolations(page), `axe violations on ${label}`).toEqual([]);
}

/** Every request the page makes goes to our own origin. */
/**
 * The element with this id has the focus. `autofocus` is applied by the browser after the load
 * event, at its next rendering step, so this waits for it (up to 30 s on a busy machine) instead of looking once.
 */
export async function expectFocusOn(page: Page, id: string) {
  await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 30_000 }).catch(() => {});
  expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
}

export function trackForeignRequests(page: Page, base: string): string[] {
  const foreign: string[] = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(base) && !url.startsWith('data:')) foreign.push(url);
  });
  return foreign;
}

/** One browser and one server for a describe block, started in parallel and stopped afterwards. */
export function useBrowserAndServer() {
  const env = {} as { browser: Browser; server: Awaited<ReturnType<typeof startServer>> };
  beforeAll(async () => {
    [env.browser, env.server] = await Promise.all([launch(), startServer()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
