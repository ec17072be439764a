import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { OpsModule, type OpsOptions } from './ops.module.js';

/**
 * The small HTTP server of a process that runs no gateway (a service role, a worker):
 * `/healthz`, `/readyz` and `/metrics` for probes and scrapers, nothing else.
 */
export async function createOpsApp(options: OpsOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    OpsModule.register(options),
    new FastifyAdapter(),
    {
      logger: ['error', 'warn'],
      abortOnError: false,
    },
  );
  await app.init();
  return app;
}
