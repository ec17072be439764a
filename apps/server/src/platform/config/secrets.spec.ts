import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { JWT_SECRET_FILE, resolveJwtSecret } from './secrets.js';

describe('resolveJwtSecret', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'glimpse-secrets-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('returns JWT_SECRET when set and writes nothing', async () => {
    const secret = 'k'.repeat(40);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, DATA_DIR: dataDir });
    await expect(resolveJwtSecret(config)).resolves.toBe(secret);
    await expect(stat(path.join(dataDir, JWT_SECRET_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates a secret once in development and keeps it across restarts', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await resolveJwtSecret(config);
    expect(first.length).toBeGreaterThanOrEqual(32);

    const file = path.join(dataDir, JWT_SECRET_FILE);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    await expect(resolveJwtSecret(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' }))).resolves.toBe(first);
  });

  it('agrees on one secret when several processes start at once', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const secrets = await Promise.all(Array.from({ length: 8 }, () => resolveJwtSecret(config)));
    expect(new Set(secrets).size).toBe(1);
    // The losers' temp files are cleaned up.
    expect(await readdir(path.join(dataDir, 'secrets'))).toEqual(['jwt-secret']);
  });

  it('refuses a truncated secret file instead of signing with it', async () => {
    await mkdir(path.join(dataDir, 'secrets'), { recursive: true });
    await writeFile(path.join(dataDir, JWT_SECRET_FILE), 'short\n');
    await expect(resolveJwtSecret(loadConfig({ DATA_DIR: dataDir }))).rejects.toThrow(/shorter than 32/);
  });

  it('refuses to invent a secret in production', async () => {
    const config = { ...loadConfig({ DATA_DIR: dataDir }), nodeEnv: 'production' as const };
    await expect(resolveJwtSecret(config)).rejects.toThrow('JWT_SECRET is required in production');
  });
});
