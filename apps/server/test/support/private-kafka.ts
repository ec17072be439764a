import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../../scripts/kafka-broker.sh', import.meta.url));

/**
 * A Kafka broker of a test's own (scripts/kafka-broker.sh), for tests that stop and start
 * it: the shared development broker is never disturbed.
 */
export class PrivateKafka {
  constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await this.script('start');
  }

  async stop(): Promise<void> {
    await this.script('stop');
  }

  private async script(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [SCRIPT, command], {
      env: { ...process.env, KAFKA_NAME: this.name, KAFKA_PORT: String(this.port) },
      timeout: 180_000,
    });
  }
}
