import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, type CapturedLogs } from '../../testing/log-capture.js';
import { ShutdownCoordinator } from './shutdown.js';

describe('ShutdownCoordinator', () => {
  const coordinators: ShutdownCoordinator[] = [];
  const make = (
    graceMs: number,
    exit?: (code: number) => void,
  ): CapturedLogs & { coordinator: ShutdownCoordinator } => {
    const captured = captureLogs();
    const coordinator = new ShutdownCoordinator(captured.logger, graceMs, exit ? { exit } : {});
    coordinators.push(coordinator);
    return { ...captured, coordinator };
  };

  afterEach(() => {
    for (const c of coordinators.splice(0)) c.stopListening();
  });

  it('closes components in reverse registration order', async () => {
    const { coordinator } = make(1000);
    const closed: string[] = [];
    for (const name of ['database', 'cache', 'http']) {
      coordinator.register(name, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        closed.push(name);
      });
    }
    await coordinator.shutdown('test');
    expect(closed).toEqual(['http', 'cache', 'database']);
  });

  it('is idempotent: every call waits for the same single shutdown', async () => {
    const { coordinator } = make(1000);
    let closes = 0;
    coordinator.register('once', () => {
      closes += 1;
      return Promise.resolve();
    });
    const first = coordinator.shutdown('first');
    const second = coordinator.shutdown('second');
    expect(second).toBe(first);
    await Promise.all([first, second]);
    await coordinator.shutdown('third');
    expect(closes).toBe(1);
  });

  it('cuts off a close that hangs after graceMs and goes on with the rest', async () => {
    const { coordinator, lines } = make(50);
    const closed: string[] = [];
    coordinator.register('database', () => {
      closed.push('database');
      return Promise.resolve();
    });
    coordinator.register('stuck', () => new Promise<void>(() => undefined));
    await coordinator.shutdown('test');
    expect(closed).toEqual(['database']);
    expect(lines()).toContainEqual(
      expect.objectContaining({ component: 'stuck', msg: 'close timed out; moving on' }),
    );
  });

  it('logs failing closes, rejected or thrown, and never rejects', async () => {
    const { coordinator, lines } = make(1000);
    const closed: string[] = [];
    coordinator.register('database', () => {
      closed.push('database');
      return Promise.resolve();
    });
    coordinator.register('throws', () => {
      throw new Error('sync failure');
    });
    coordinator.register('rejects', () => Promise.reject(new Error('async failure')));
    await expect(coordinator.shutdown('test')).resolves.toBeUndefined();
    expect(closed).toEqual(['database']);
    const failures = lines().filter((l) => l.msg === 'close failed');
    expect(failures.map((l) => [l.component, (l.err as { message: string }).message])).toEqual([
      ['rejects', 'async failure'],
      ['throws', 'sync failure'],
    ]);
  });

  it('closes a component registered after shutdown began', async () => {
    const { coordinator } = make(1000);
    let closedLate!: () => void;
    const late = new Promise<void>((resolve) => (closedLate = resolve));
    await coordinator.shutdown('test');
    coordinator.register('late', () => Promise.resolve(closedLate()));
    await late;
  });

  it('shuts down on SIGTERM, exits 0, and a second signal forces exit 1', async () => {
    const exits: number[] = [];
    let exitedCleanly!: () => void;
    const cleanExit = new Promise<void>((resolve) => (exitedCleanly = resolve));
    const { coordinator } = make(1000, (code) => {
      exits.push(code);
      if (code === 0) exitedCleanly();
    });
    let release!: () => void;
    const closing = new Promise<void>((resolve) => (release = resolve));
    let closeStarted!: () => void;
    const started = new Promise<void>((resolve) => (closeStarted = resolve));
    coordinator.register('http', () => {
      closeStarted();
      return closing;
    });
    coordinator.listen();
    coordinator.listen();

    process.emit('SIGTERM', 'SIGTERM');
    await started;
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);

    release();
    await cleanExit;
    expect(exits).toEqual([1, 0]);
  });
});
