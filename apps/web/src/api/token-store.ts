/** What a signed-in browser keeps: both tokens and when the access token runs out. */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const KEY = 'glimpse.session';

type Listener = () => void;
const listeners = new Set<Listener>();

// Parsing once per distinct raw value gives useSyncExternalStore a stable snapshot.
let cachedRaw: string | null | undefined;
let cached: StoredTokens | null = null;

function parse(raw: string | null): StoredTokens | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredTokens>;
    if (
      typeof value.accessToken === 'string' &&
      typeof value.refreshToken === 'string' &&
      typeof value.expiresAt === 'number'
    ) {
      return { accessToken: value.accessToken, refreshToken: value.refreshToken, expiresAt: value.expiresAt };
    }
  } catch {
    // A corrupted entry is the same as none: the person signs in again.
  }
  return null;
}

/** Storage can be disabled (private mode, policy); then a session lasts one page load. */
const storage: Storage | null = (() => {
  try {
    const probe = `${KEY}.probe`;
    window.localStorage.setItem(probe, '1');
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return null;
  }
})();

let memory: string | null = null;

function readRaw(): string | null {
  return storage ? storage.getItem(KEY) : memory;
}

function writeRaw(raw: string | null): void {
  if (!storage) memory = raw;
  else if (raw === null) storage.removeItem(KEY);
  else storage.setItem(KEY, raw);
  for (const listener of listeners) listener();
}

/**
 * The tokens, persisted in localStorage so a reload stays signed in. Reads go to storage
 * every time, so a rotation done by another tab is picked up at once.
 */
export const tokenStore = {
  get: (): StoredTokens | null => {
    const raw = readRaw();
    if (raw !== cachedRaw) {
      cachedRaw = raw;
      cached = parse(raw);
    }
    return cached;
  },

  set: (tokens: { accessToken: string; refreshToken: string; expiresIn: number }): StoredTokens => {
    const stored: StoredTokens = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
    };
    writeRaw(JSON.stringify(stored));
    return stored;
  },

  clear: (): void => {
    writeRaw(null);
  },

  subscribe: (listener: Listener): (() => void) => {
    listeners.add(listener);
    const onStorage = (event: StorageEvent) => {
      if (event.key === KEY || event.key === null) listener();
    };
    window.addEventListener('storage', onStorage);
    return () => {
      listeners.delete(listener);
      window.removeEventListener('storage', onStorage);
    };
  },
};
