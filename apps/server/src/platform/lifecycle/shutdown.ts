import type { Logger } from '../logging/logger.js';

export type ShutdownLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface ShutdownOptions {
  /** Called after a signal-triggered shutdown finishes, or on a second signal. Injectable for tests. */
  exit?: (code: number) => void;
}

interface Closer {
  name: string;
  close: () => Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Closes the process's components in reverse registration order (last started, first stopped: the HTTP
 * server before the services it calls, the services before the database and cache they use).
 *
 * In-flight HTTP requests are drained by registering the HTTP server's close: fastify's close() stops
 * accepting connections and resolves once in-flight requests have finished. Register it after the
 * resources the handlers depend on so it closes before them. Consumers and the outbox relay likewise
 * finish the batch in hand inside their close().
 */
export class ShutdownCoordinator {
  private readonly closers: Closer[] = [];
  private readonly exit: (code: number) => void;
  private shuttingDown: Promise<void> | undefined;
  private onSignal: ((signal: NodeJS.Signals) => void) | undefined;

  constructor(
    private readonly logger: ShutdownLogger,
    private readonly graceMs: number,
    options: ShutdownOptions = {},
  ) {
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  register(name: string, close: () => Promise<void>): void {
    if (this.shuttingDown) {
      // Started after shutdown began (a slow start-up racing a signal): close it straight away.
      this.logger.warn({ component: name }, 'registered during shutdown; closing it now');
      void this.closeOne({ name, close });
      return;
    }
    this.closers.push({ name, close });
  }

  /** SIGTERM/SIGINT start a graceful shutdown and then exit; a second signal exits at once. */
  listen(): void {
    if (this.onSignal) return;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.shuttingDown) {
        this.logger.warn({ signal }, 'second signal; exiting without waiting');
        this.exit(1);
        return;
      }
      void this.shutdown(signal).then(() => this.exit(0));
    };
    this.onSignal = onSignal;
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }

  /** Removes the signal handlers installed by listen(). */
  stopListening(): void {
    if (!this.onSignal) return;
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    this.onSignal = undefined;
  }

  /** Closes everything once; later calls return the same promise. Never rejects. */
  shutdown(reason: string): Promise<void> {
    this.shuttingDown ??= this.closeAll(reason);
    return this.shuttingDown;
  }

  private async closeAll(reason: string): Promise<void> {
    this.logger.info({ reason, components: this.closers.length }, 'shutting down');
    for (const closer of [...this.closers].reverse()) {
      await this.closeOne(closer);
    }
    this.logger.info({ reason }, 'shutdown complete');
  }

  private async closeOne({ name, close }: Closer): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.graceMs);
    });
    try {
      const outcome = await Promise.race([
        // Wrapped so a close() that throws synchronously is handled like one that rejects.
        Promise.resolve().then(close),
        timedOut,
      ]);
      if (outcome === 'timeout') {
        this.logger.warn({ component: name, graceMs: this.graceMs }, 'close timed out; moving on');
      } else {
        this.logger.info({ component: name }, 'closed');
      }
    } catch (error) {
      this.logger.error({ component: name, err: error }, 'close failed');
    } finally {
      clearTimeout(timer);
    }
  }
}
