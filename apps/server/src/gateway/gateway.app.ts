import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Logger } from 'pino';

import type { Cache } from '../platform/cache/cache.port.js';
import type { CorsOrigins } from '../platform/config/config.js';
import { isAcceptableRequestId, runWithRequestContext } from '../platform/logging/requestContext.js';
import { authenticateHook } from './auth/authenticate.hook.js';
import type { AccessTokenVerifier } from './auth/principal.js';
import { GatewayModule, type GatewayModuleOptions } from './gateway.module.js';
import { httpMetricsHook, type HttpMetricsRecorder } from './http/http-metrics.hook.js';
import { ProblemFilter } from './http/problem.filter.js';
import { tracingHooks } from './http/tracing.hook.js';
import { serveWebApp } from './http/web-app.js';
import { allRoutes } from './http/routes.js';
import { idempotencyHooks } from './idempotency/idempotency.hooks.js';
import { IdempotencyStore } from './idempotency/idempotency.store.js';
import { NotificationStreams } from './notifications/notification-streams.js';
import { mediaImageSources, mediaUploadSources } from './media/media-csp.js';
import { registerMediaFiles } from './media/media-files.route.js';
import { registerUploadParsing } from './media/upload-parsing.js';
import { buildOpenApiDocument } from './openapi/openapi.document.js';
import { LoginThrottle } from './rate-limit/login-throttle.js';
import { rateLimitHook } from './rate-limit/rate-limit.hook.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';

export interface GatewayAppOptions extends Omit<GatewayModuleOptions, 'loginThrottle'> {
  cache: Cache;
  verifier: AccessTokenVerifier;
  logger: Logger;
  httpMetrics: HttpMetricsRecorder;
  bodyLimitBytes: number;
  corsOrigins: CorsOrigins;
  rateLimitMultiplier: number;
  version: string;
  /** The built web app (apps/web/dist), served at `/`. */
  webRoot: string;
}

/** Creates the HTTP gateway, ready to `listen` (or to `inject` in tests). */
export async function createGatewayApp(options: GatewayAppOptions): Promise<NestFastifyApplication> {
  const { logger } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes,
    logger: false,
    requestIdHeader: false,
    // A caller's request id is kept when it looks like one, so traces can be joined up.
    genReqId: (request: IncomingMessage) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && isAcceptableRequestId(header) ? header : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
  });
  const limiter = new RateLimiter(options.cache);
  const loginThrottle = new LoginThrottle(limiter);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register({ ...options, loginThrottle }),
    adapter,
    {
      logger: ['error', 'warn'],
      abortOnError: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  // Streams never end by themselves: closed first, or closing the server would wait for them.
  const streams = app.get(NotificationStreams);
  fastify.addHook('preClose', (done) => {
    streams.close();
    done();
  });
  const degrade = (what: string) => (err: unknown) =>
    logger.warn({ err, component: what }, `${what} unavailable; continuing without it`);

  // JSON only: other bodies are 415, except the streamed bodies of the upload routes.
  fastify.removeContentTypeParser('text/plain');
  await registerUploadParsing(fastify, options.mediaMaxBytes);
  // Every log line written while handling a request carries its id (see the logger's mixin).
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // The Idempotency-Key travels with the request to the services it calls (gRPC metadata).
    const idempotencyKey = request.headers['idempotency-key'];
    runWithRequestContext(
      {
        requestId: request.id,
        ...(typeof idempotencyKey === 'string' && idempotencyKey.length <= 255 && { idempotencyKey }),
      },
      done,
    );
  });
  const tracing = tracingHooks();
  fastify.addHook('onRequest', tracing.onRequest);
  fastify.addHook('onResponse', tracing.onResponse);
  fastify.addHook('onRequest', authenticateHook(options.verifier));
  fastify.addHook(
    'onRequest',
    rateLimitHook(limiter, { multiplier: options.rateLimitMultiplier, onError: degrade('rate-limiter') }),
  );
  const idempotency = idempotencyHooks(new IdempotencyStore(options.cache), degrade('idempotency'));
  fastify.addHook('preHandler', idempotency.preHandler);
  fastify.addHook('onSend', idempotency.onSend);
  fastify.addHook('onResponse', httpMetricsHook(options.httpMetrics));
  fastify.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        req: { method: request.method, url: request.url.split('?')[0] },
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  await app.register(helmet, {
    // Swagger UI needs inline styles; everything else stays same-origin. TLS ends at the
    // ingress in production, so the app must not ask browsers to upgrade its own requests
    // (that breaks it on plain-http addresses such as a LAN IP in development).
    contentSecurityPolicy: {
      directives: {
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:', ...mediaImageSources(options.storage)],
        // Direct uploads go from the browser straight to the bucket.
        'connect-src': ["'self'", ...(await mediaUploadSources(options.storage))],
        'upgrade-insecure-requests': null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  if (options.corsOrigins === '*' || options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins === '*' ? true : [...options.corsOrigins],
      credentials: false,
      exposedHeaders: [
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Retry-After',
        'Idempotent-Replayed',
        'x-request-id',
      ],
    });
  }

  registerMediaFiles(fastify, options.storage, logger);
  await serveWebApp(fastify, options.webRoot);
  app.useGlobalFilters(new ProblemFilter(logger));
  const document = buildOpenApiDocument(allRoutes, { version: options.version });
  SwaggerModule.setup('api/docs', app, document as unknown as OpenAPIObject, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    yamlDocumentUrl: 'api/docs/openapi.yaml',
    customSiteTitle: 'Glimpse API',
  });
  await app.init();
  return app;
}
