import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info', TRUST_PROXY: 0 });
    expect(c.baseUrl).toBe('http://127.0.0.1:3000');
    expect(c.secure).toBe(false);
    expect(c.DATABASE_URL).toBeUndefined();
    // Unset: boot() uses twice the cores.
    expect(c.SEARCH_CONCURRENCY).toBeUndefined();
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      BASE_URL: 'https://hechtwerk.example/',
      DATABASE_URL: 'postgres://u@db:5432/hw',
      DATA_DIR: '/var/lib/hw',
      SMTP_URL: 'smtp://mail:25',
      MAIL_FROM: 'Hechtwerk <noreply@hechtwerk.example>',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: 'true',
      SEARCH_CONCURRENCY: '6',
    });
    expect(c).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', DATA_DIR: '/var/lib/hw', LOG_LEVEL: 'debug', TRUST_PROXY: 1, SEARCH_CONCURRENCY: 6 });
    expect(c.baseUrl).toBe('https://hechtwerk.example');
    expect(c.secure).toBe(true);
  });

  it.each([
    ['PORT', 'abc', 'moet een getal zijn'],
    ['PORT', '70000', 'tussen 0 en 65535'],
    ['PORT', '3.5', 'geheel getal'],
    ['HOST', 'bad host!', 'hostnaam of IP-adres'],
    ['BASE_URL', 'ftp://x', 'http:// of https://'],
    ['BASE_URL', 'geen url', 'http:// of https://'],
    ['DATABASE_URL', 'mysql://x/y', 'postgres:// of postgresql://'],
    ['SMTP_URL', 'http://mail', 'smtp:// of smtps://'],
    ['MAIL_FROM', 'niemand', 'e-mailadres'],
    ['LOG_LEVEL', 'loud', 'toegestaan: fatal, error, warn, info, debug, trace, silent'],
    ['TRUST_PROXY', 'misschien', 'toegestaan: het aantal eigen proxies'],
    ['SEARCH_CONCURRENCY', '0', 'tussen 1 en 256'],
    ['SEARCH_CONCURRENCY', 'veel', 'moet een getal zijn'],
  ])('%s=%s is refused naming the variable and what is allowed', (name, value, allowed) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      expect((err as Error).message).toContain(`${name}=${JSON.stringify(value)}`);
      expect((err as Error).message).toContain(allowed);
    }
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });

  it('npm start stops with the message and exit code 1 on a bad value', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, BASE_URL: '', PORT: 'abc', LOG_LEVEL: 'luid', DATA_DIR: '/nonexistent-should-not-be-created' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.status).toBe(1);
    // One line naming every bad variable; no stack trace.
    expect(r.stderr.trim().split('\n')).toEqual([
      'Ongeldige configuratie: PORT="abc": moet een getal zijn; LOG_LEVEL="luid": toegestaan: fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});
