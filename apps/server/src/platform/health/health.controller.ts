import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';

/** Injection tokens of the operations endpoints. */
export const HEALTH_CHECKS = Symbol('HealthChecks');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');

export interface HealthCheck {
  name: string;
  /**
   * Critical dependencies (the database) make the process unready when down; the others
   * (cache, event bus) have fallbacks, so their outage is reported as degraded while the
   * process keeps taking traffic.
   */
  critical: boolean;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2000;

async function probe(check: HealthCheck): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

@Controller()
export class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: readonly HealthCheck[],
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  /** Liveness: the process answers. Dependencies are /readyz's business. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: FastifyReply) {
    const results = await Promise.all(this.checks.map(async (check) => [check, await probe(check)] as const));
    const dependencies = Object.fromEntries(results.map(([check, state]) => [check.name, state]));
    const criticalDown = results.some(([check, state]) => check.critical && state === 'down');
    const anyDown = results.some(([, state]) => state === 'down');
    reply.code(criticalDown ? 503 : 200);
    return { status: criticalDown ? 'unavailable' : anyDown ? 'degraded' : 'ready', dependencies };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics() {
    return this.registry.metrics();
  }
}
