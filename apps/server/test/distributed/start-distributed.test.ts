import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GRPC_SERVICE_ROLES } from '../../src/platform/config/config.js';
import { createTempDatabase, type TempDatabase } from '../../src/platform/sql/testing/temp-database.js';
import { ApiClient, uniqueName } from '../support/http-client.js';
import { cleanEnv, SERVER_ROOT } from '../support/server-process.js';
import { freePort } from '../../src/testing/free-port.js';

const LAUNCHER = fileURLToPath(new URL('../../dist/launcher/start-distributed.js', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A free port for every gRPC service role, as GRPC_<ROLE>_URL variables. */
async function grpcUrls(): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const role of GRPC_SERVICE_ROLES)
    urls[`GRPC_${role.toUpperCase()}_URL`] = `127.0.0.1:${await freePort()}`;
  return urls;
}

/** `npm run start:distributed` itself: one node process per role, prefixed logs, one Ctrl-C stops all. */
const ROLES = [
  'gateway',
  'auth',
  'user',
  'media',
  'post',
  'feed',
  'like',
  'comment',
  'notification',
  'analytics',
  'media-worker',
  'fanout',
  'outbox-relay',
];

describe('npm run start:distributed', () => {
  let database: TempDatabase;

  beforeAll(async () => {
    database = await createTempDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('runs every role as its own process; signup, follow, followers work; SIGTERM stops them all', async () => {
    const gatewayPort = await freePort();
    const child = spawn(process.execPath, [LAUNCHER], {
      cwd: SERVER_ROOT,
      env: cleanEnv({
        PORT: String(gatewayPort),
        ...(await grpcUrls()),
        DATABASE_URL: database.url,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: `test-${randomUUID().slice(0, 8)}:`,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        KAFKA_CLIENT_ID: `glimpse-test-${randomUUID().slice(0, 8)}`,
        KAFKA_NAMESPACE: `test-${randomUUID().slice(0, 8)}`,
        JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
        RATE_LIMIT_MULTIPLIER: '1000',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes('Glimpse (distributed) is ready')) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`launcher did not get ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const pids = [...output.matchAll(new RegExp(`\\b(${ROLES.join('|')}) \\(pid (\\d+)\\)`, 'g'))].map(
        (m) => ({ role: m[1], pid: Number(m[2]) }),
      );
      expect(pids.map((p) => p.role).sort()).toEqual([...ROLES].sort());
      expect(new Set(pids.map((p) => p.pid)).size).toBe(ROLES.length);
      expect(pids.every((p) => alive(p.pid))).toBe(true);
      for (const role of ROLES) expect(output).toContain(`[${role}`);

      const api = new ApiClient(`http://127.0.0.1:${gatewayPort}`);
      const accounts = [];
      for (const prefix of ['sd', 'se']) {
        const username = uniqueName(prefix);
        const res = await api.post('/api/auth/signup', {
          username,
          email: `${username}@example.com`,
          password: 'a long password',
        });
        expect(res.status).toBe(201);
        accounts.push({ username, token: res.body.accessToken as string });
      }
      const [ana, ben] = accounts as [
        { username: string; token: string },
        { username: string; token: string },
      ];
      expect((await api.put(`/api/users/${ben.username}/follow`, { token: ana.token })).body).toEqual({
        following: true,
        followerCount: 1,
      });
      const followers = await api.get(`/api/users/${ben.username}/followers`);
      expect(followers.body.items.map((u: { username: string }) => u.username)).toEqual([ana.username]);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(pids.filter((p) => alive(p.pid))).toEqual([]);
    } finally {
      // A failed run still stops its processes the launcher's way: SIGKILL would orphan them.
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const stopped = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
        if (stopped === undefined && child.exitCode === null) {
          child.kill('SIGKILL');
          await exited;
        }
      }
    }
  }, 180_000);
});
