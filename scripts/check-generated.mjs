#!/usr/bin/env node
// Fails when the committed generated code differs from what the contracts generate now:
// the .proto files are the source of truth, so a hand edit or a forgotten `npm run generate`
// is caught here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const committed = path.join(root, 'apps/server/src/generated');
const fresh = mkdtempSync(path.join(os.tmpdir(), 'glimpse-gen-'));

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, base) : [path.relative(base, full)];
  });
}

try {
  execFileSync('npx', ['buf', 'lint'], { cwd: root, stdio: 'inherit' });
  execFileSync('npx', ['buf', 'generate', '--template', 'buf.gen.yaml', '-o', fresh], {
    cwd: root,
    stdio: 'inherit',
  });
  const generatedDir = path.join(fresh, 'apps/server/src/generated');
  const expected = files(generatedDir).sort();
  const actual = files(committed).sort();
  const drift = [];
  for (const file of new Set([...expected, ...actual])) {
    const a = expected.includes(file) ? readFileSync(path.join(generatedDir, file), 'utf8') : null;
    const b = actual.includes(file) ? readFileSync(path.join(committed, file), 'utf8') : null;
    if (a !== b) drift.push(file);
  }
  if (drift.length > 0) {
    console.error(`Generated code is out of date (run \`npm run generate\`):\n  ${drift.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`generated code matches the contracts (${expected.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
