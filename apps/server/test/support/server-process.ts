import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const SERVER_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ADMIN_JS = fileURLToPath(new URL('../../dist/admin.js', import.meta.url));

/** `npm run admin -- grant <username>` itself (the built CLI), on a PostgreSQL database. */
export async function grantAdminWithCli(databaseUrl: string, username: string): Promise<void> {
  const { stdout } = await promisify(execFile)(process.execPath, [ADMIN_JS, 'grant', username], {
    cwd: SERVER_ROOT,
    env: cleanEnv({ DATABASE_URL: databaseUrl }),
  });
  if (!stdout.includes('granted')) throw new Error(`admin CLI said: ${stdout}`);
}

/** Environment for a child server: nothing inherited that would point it at real servers. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'REDIS_URL',
    'REDIS_CLUSTER_NODES',
    'KAFKA_BROKERS',
    'PORT',
    'DATA_DIR',
    'ROLES',
  ]) {
    delete inherited[name];
  }
  return { ...inherited, ...env };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the built server (`npm start`'s process) and waits until it reports its address. */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: SERVER_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /Glimpse is ready on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
