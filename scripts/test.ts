// `npm test`: lint, types, unit + HTTP tests (on the embedded server and, when one answers, on the external PostgreSQL server), browser tests.
// Runs on Node 24 from node_modules/.bin; every step runs even if an earlier one failed.
import { spawnSync } from 'node:child_process';

const bin = (name: string) => `node_modules/.bin/${name}`;
const steps: [string, string, string[]][] = [
  ['lint (biome)', bin('biome'), ['check', '.']],
  ['types (tsc)', bin('tsc'), ['--noEmit']],
  ['unit + HTTP tests (vitest)', bin('vitest'), ['run']],
  ['browser tests (playwright + axe)', bin('vitest'), ['run', '--config', 'vitest.e2e.config.ts']],
];

const failed: string[] = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) failed.push(name);
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} (${seconds} s) ===`);
}
console.log(`\n${steps.length - failed.length} passed, ${failed.length} failed`);
if (failed.length) {
  console.log(`Failed: ${failed.join(', ')}`);
  process.exit(1);
}
