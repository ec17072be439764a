#!/usr/bin/env node
// `npm run generate`: every generated file, from its source of truth.
// - apps/server/src/generated: TypeScript contracts from the .proto files (buf + ts-proto)
// - apps/web/src/api/openapi.json and schema.d.ts: the web client's types, from the OpenAPI
//   document the gateway serves (itself generated from the routes' zod schemas)
// With `--out DIR`, writes under DIR instead of the repository (the drift check compares).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : root;
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

run('npx', ['buf', 'lint']);
run('npx', ['buf', 'generate', '--template', 'buf.gen.yaml', ...(out === root ? [] : ['-o', out])]);

run('npm', ['run', 'build', '--silent', '-w', '@glimpse/server']);
const apiDir = path.join(out, 'apps/web/src/api');
mkdirSync(apiDir, { recursive: true });
const document = path.join(apiDir, 'openapi.json');
run('node', ['apps/server/dist/gateway/openapi/export-openapi.js', document]);
// openapi-typescript is the web workspace's own tool (it brings its own TypeScript).
execFileSync(
  'npx',
  ['openapi-typescript', document, '--output', path.join(apiDir, 'schema.d.ts'), '--silent'],
  {
    cwd: path.join(root, 'apps/web'),
    stdio: 'inherit',
  },
);
