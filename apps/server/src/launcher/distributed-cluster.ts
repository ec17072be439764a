import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One OS process of the distributed shape. */
export interface RoleProcessSpec {
  /** Name used in log prefixes, e.g. `gateway`. */
  name: string;
  /** Environment of the process on top of the cluster's shared one (ROLES, PORT, WORKER_ID...). */
  env: Record<string, string>;
}

export interface ClusterOptions {
  /** The built server entry point (dist/main.js). */
  mainJs: string;
  /** Environment every process shares: database, cache, brokers, gRPC addresses, secrets. */
  env: NodeJS.ProcessEnv;
  processes: readonly RoleProcessSpec[];
  /** Where prefixed log lines go (default: stdout). */
  write?: (line: string) => void;
  /** Called when a process exits without being asked to. */
  onUnexpectedExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
  startTimeoutMs?: number;
}

interface Running {
  spec: RoleProcessSpec;
  child: ChildProcess;
  url: string | undefined;
  exited: Promise<void>;
  stopping: boolean;
}

/**
 * Runs each role as its own OS process (the distributed shape on one machine), prefixes
 * their log lines with the role, and restarts nothing by itself: a process that dies is
 * reported, and what happens next is the caller's decision.
 */
export class DistributedCluster {
  readonly #running = new Map<string, Running>();

  constructor(private readonly options: ClusterOptions) {}

  /** Starts every process and resolves once each reported that it started. */
  async start(): Promise<void> {
    for (const spec of this.options.processes) await this.startProcess(spec.name);
  }

  /** HTTP address a process reported (the gateway's API, or a service's ops port). */
  url(name: string): string {
    const url = this.#running.get(name)?.url;
    if (!url) throw new Error(`${name} is not running`);
    return url;
  }

  pid(name: string): number | undefined {
    return this.#running.get(name)?.child.pid;
  }

  names(): string[] {
    return [...this.#running.keys()];
  }

  async startProcess(name: string): Promise<void> {
    const spec = this.options.processes.find((p) => p.name === name);
    if (!spec) throw new Error(`no process named ${name}`);
    if (this.#running.has(name)) throw new Error(`${name} is already running`);
    const write = this.options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
    const child = spawn(process.execPath, ['--enable-source-maps', this.options.mainJs], {
      env: { ...this.options.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const entry: Running = {
      spec,
      child,
      url: undefined,
      stopping: false,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    this.#running.set(name, entry);
    const prefix = `[${name.padEnd(12)}]`;
    let started: (url: string | undefined) => void = () => undefined;
    const startedPromise = new Promise<string | undefined>((resolve) => (started = resolve));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        write(`${prefix} ${line}`);
        if (line.includes('"msg":"glimpse started"')) {
          try {
            started((JSON.parse(line) as { url?: string }).url);
          } catch {
            started(undefined);
          }
        }
      });
    }
    child.once('exit', (code, signal) => {
      this.#running.delete(name);
      if (!entry.stopping) this.options.onUnexpectedExit?.(name, code, signal);
    });

    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      startedPromise.then((url) => ({ ok: true as const, url })),
      entry.exited.then(() => ({ ok: false as const, reason: 'exited during start-up' })),
      new Promise<{ ok: false; reason: string }>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: `did not start within ${timeoutMs} ms` }),
          timeoutMs,
        );
      }),
    ]);
    clearTimeout(timer);
    if (!outcome.ok) {
      await this.stopProcess(name);
      throw new Error(`${name} ${outcome.reason}`);
    }
    entry.url = outcome.url;
  }

  /** Graceful stop (SIGTERM, SIGKILL after the grace period). */
  async stopProcess(name: string, graceMs = 15_000): Promise<void> {
    const entry = this.#running.get(name);
    if (!entry) return;
    entry.stopping = true;
    entry.child.kill('SIGTERM');
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), graceMs);
    await entry.exited;
    clearTimeout(timer);
  }

  /** Kills a process outright, as a crash or an OOM kill would. */
  async killProcess(name: string): Promise<void> {
    const entry = this.#running.get(name);
    if (!entry) return;
    entry.stopping = true;
    entry.child.kill('SIGKILL');
    await entry.exited;
  }

  /** Stops every process, the gateway first so that no request meets a missing service. */
  async stop(): Promise<void> {
    const names = this.names();
    const gatewayFirst = [...names.filter((n) => n === 'gateway'), ...names.filter((n) => n !== 'gateway')];
    for (const name of gatewayFirst.slice(0, 1)) await this.stopProcess(name);
    await Promise.all(gatewayFirst.slice(1).map((name) => this.stopProcess(name)));
  }
}
