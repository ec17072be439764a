#!/usr/bin/env node
// Builds the web app (apps/web -> apps/web/dist). With --if-needed, only when the build is
// missing or older than any of its sources, so `npm start` stays quick once built.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'apps/web');
const built = path.join(web, 'dist/index.html');

function newest(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) =>
  path.join(web, p),
);
const upToDate = existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest));
if (process.argv.includes('--if-needed') && upToDate) process.exit(0);
execFileSync('npm', ['run', 'build', '--silent', '-w', '@glimpse/web'], { cwd: root, stdio: 'inherit' });
