import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MIN_JWT_SECRET_LENGTH, type Config } from './config.js';

/** Where the generated development secret lives, relative to DATA_DIR. */
export const JWT_SECRET_FILE = path.join('secrets', 'jwt-secret');

/**
 * The JWT signing secret: JWT_SECRET when set; otherwise (development/test only) a random secret generated
 * on first start and kept in DATA_DIR/secrets/jwt-secret, so issued tokens stay valid across restarts and
 * every process sharing DATA_DIR signs with the same key.
 */
export async function resolveJwtSecret(
  config: Pick<Config, 'nodeEnv' | 'dataDir' | 'auth'>,
): Promise<string> {
  if (config.auth.jwtSecret !== undefined) return config.auth.jwtSecret;
  if (config.nodeEnv === 'production') {
    // loadConfig already rejects this; kept so a hand-built Config cannot silently get a disk secret.
    throw new Error('JWT_SECRET is required in production');
  }

  const file = path.join(config.dataDir, JWT_SECRET_FILE);
  const existing = await readSecret(file);
  if (existing !== undefined) return existing;

  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  // Written in full to a private temp file, then hard-linked into place: link() fails with EEXIST when
  // another process won the race, and a reader never sees a half-written file. Theirs then wins so every
  // process sharing DATA_DIR agrees.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await link(temp, file);
    return secret;
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'EEXIST') throw error;
    const winner = await readSecret(file);
    if (winner === undefined) throw new Error(`${file} vanished while being read`, { cause: error });
    return winner;
  } finally {
    await rm(temp, { force: true });
  }
}

async function readSecret(file: string): Promise<string | undefined> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = content.trim();
  if (secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(
      `${file} holds a secret shorter than ${MIN_JWT_SECRET_LENGTH} characters; delete it to generate a new one`,
    );
  }
  return secret;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
