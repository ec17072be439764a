#!/usr/bin/env node
// Rewrites the configuration table in README.md from CONFIG_VARIABLES (the built server's),
// so the README cannot drift from what the code accepts. A test fails when it has.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { describeConfig } = await import(path.join(root, 'apps/server/dist/platform/config/config.js'));
const rows = describeConfig().trim().split('\n').slice(2);
const readme = path.join(root, 'README.md');
const lines = readFileSync(readme, 'utf8').split('\n');
const header = lines.findIndex((line) => line.startsWith('| Variable | Default'));
if (header < 0) throw new Error('README.md has no configuration table');
let end = header + 2;
while (end < lines.length && lines[end].startsWith('| `')) end += 1;
lines.splice(header + 2, end - header - 2, ...rows);
writeFileSync(readme, lines.join('\n'));
console.log(`README.md: ${rows.length} configuration variables`);
