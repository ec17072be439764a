#!/usr/bin/env node
// Fails when the committed generated code differs from what its sources generate now (the
// .proto files; the routes' schemas through the OpenAPI document), so a hand edit or a
// forgotten `npm run generate` is caught here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(path.join(os.tmpdir(), 'glimpse-gen-'));

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, base) : [path.relative(base, full)];
  });
}

const generatedPaths = [
  'apps/server/src/generated',
  'apps/web/src/api/openapi.json',
  'apps/web/src/api/schema.d.ts',
];

function listFiles(base, relative) {
  const full = path.join(base, relative);
  if (!existsSync(full)) return [];
  return statSync(full).isDirectory() ? files(full).map((f) => path.join(relative, f)) : [relative];
}

try {
  execFileSync('node', ['scripts/generate.mjs', '--out', fresh], { cwd: root, stdio: 'inherit' });
  const expected = generatedPaths.flatMap((p) => listFiles(fresh, p)).sort();
  const actual = generatedPaths.flatMap((p) => listFiles(root, p)).sort();
  const drift = [];
  for (const file of new Set([...expected, ...actual])) {
    const a = expected.includes(file) ? readFileSync(path.join(fresh, file), 'utf8') : null;
    const b = actual.includes(file) ? readFileSync(path.join(root, file), 'utf8') : null;
    if (a !== b) drift.push(file);
  }
  if (drift.length > 0) {
    console.error(`Generated code is out of date (run \`npm run generate\`):\n  ${drift.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`generated code matches its sources (${expected.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
