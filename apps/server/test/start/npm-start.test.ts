import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, uniqueName } from '../support/http-client.js';
import { cleanEnv, SERVER_ROOT, startServerProcess } from '../support/server-process.js';

/**
 * What a newcomer gets from `npm start`: the built server, alone, on embedded
 * infrastructure, with its data kept across restarts.
 */
describe('npm start (built server, embedded infrastructure)', () => {
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'glimpse-start-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves health and docs; sign up, log in, follow and list followers; keeps data across a restart', async () => {
    const first = await startServerProcess(env());
    let api = new ApiClient(first.url);
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.get('/readyz')).body.status).toBe('ready');
    expect((await api.get('/api/docs')).status).toBe(200);

    const ana = uniqueName('ana');
    const ben = uniqueName('ben');
    for (const username of [ana, ben]) {
      const res = await api.post('/api/auth/signup', {
        username,
        email: `${username}@example.com`,
        password: 'a long password',
      });
      expect(res.status).toBe(201);
    }
    const login = await api.post('/api/auth/login', { login: ana, password: 'a long password' });
    expect(login.status).toBe(200);
    expect((await api.put(`/api/users/${ben}/follow`, { token: login.body.accessToken })).body).toEqual({
      following: true,
      followerCount: 1,
    });
    expect(
      (await api.get(`/api/users/${ben}/followers`)).body.items.map((u: { username: string }) => u.username),
    ).toEqual([ana]);

    // Logs are JSON lines carrying the request id, and secrets never appear in them.
    const lines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines.some((line) => JSON.parse(line).requestId)).toBe(true);
    expect(first.output()).not.toContain('a long password');
    expect(first.output()).not.toContain(login.body.accessToken);

    expect(await first.stop()).toBe(0);

    const second = await startServerProcess(env());
    api = new ApiClient(second.url);
    const again = await api.post('/api/auth/login', { login: ben, password: 'a long password' });
    expect(again.status).toBe(200);
    expect(again.body.user.followerCount).toBe(1);
    // The access token signed before the restart is still valid: the dev secret was kept.
    expect((await api.get('/api/users/me', { token: login.body.accessToken })).status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it('npm run migrate applies migrations and exits', () => {
    const result = spawnSync(process.execPath, ['dist/migrate.js'], {
      cwd: SERVER_ROOT,
      env: cleanEnv({ DATA_DIR: path.join(dataDir, 'migrate-only'), LOG_LEVEL: 'info' }),
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('migrations applied');
  });

  it('refuses to start with bad configuration, naming every bad variable', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: SERVER_ROOT,
      env: cleanEnv({ PORT: 'eighty', LOG_LEVEL: 'loud' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('LOG_LEVEL');
  });
});
