import { Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';

import { HEALTH_CHECKS, HealthController, METRICS_REGISTRY, type HealthCheck } from './health.controller.js';

export interface OpsOptions {
  healthChecks: readonly HealthCheck[];
  metricsRegistry: Registry;
}

/** `/healthz`, `/readyz` and `/metrics`: what every process serves, whatever its roles. */
@Module({})
export class OpsModule {
  static register(options: OpsOptions): DynamicModule {
    return {
      module: OpsModule,
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_CHECKS, useValue: options.healthChecks },
        { provide: METRICS_REGISTRY, useValue: options.metricsRegistry },
      ],
    };
  }
}
