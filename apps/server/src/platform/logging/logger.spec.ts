import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../testing/log-capture.js';
import { extractTraceContext, setupTracing, withSpan, type Tracing } from '../telemetry/tracing.js';
import { REDACTED } from './logger.js';
import { currentRequestId, runWithRequestContext } from './requestContext.js';

describe('createLogger', () => {
  let tracing: Tracing;

  beforeAll(() => {
    tracing = setupTracing({ serviceName: 'logger-spec', exporter: 'none' });
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  it('writes JSON lines with level label, ISO time and role', () => {
    const { logger, lines } = captureLogs({ role: 'gateway' });
    logger.info({ userId: '42' }, 'hello');
    logger.debug('not at info');
    const [line, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      role: 'gateway',
      userId: '42',
      msg: 'hello',
      pid: process.pid,
    });
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
  });

  it('redacts secrets at the top level and nested in headers, bodies and errors', () => {
    const { logger, lines } = captureLogs();
    logger.info(
      {
        password: 'hunter2',
        token: 'tok',
        req: {
          method: 'POST',
          headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'set-cookie': ['sid=2'], accept: 'json' },
          body: { username: 'alice', password: 'pw', refreshToken: 'rt', accessToken: 'at' },
        },
        err: { config: { headers: { authorization: 'Bearer deep' } } },
        settings: { jwtSecret: 'shh', secret: 's' },
        list: [{ access_token: 'x', refresh_token: 'y' }],
      },
      'login',
    );
    const [line] = lines();
    const text = JSON.stringify(line);
    for (const leaked of [
      'hunter2',
      '"tok"',
      'Bearer',
      'sid=',
      '"pw"',
      '"rt"',
      '"at"',
      'shh',
      '"s"',
      '"x"',
      '"y"',
    ]) {
      expect(text).not.toContain(leaked);
    }
    expect(line).toMatchObject({
      password: REDACTED,
      token: REDACTED,
      req: {
        method: 'POST',
        headers: { authorization: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED, accept: 'json' },
        body: { username: 'alice', password: REDACTED, refreshToken: REDACTED, accessToken: REDACTED },
      },
      err: { config: { headers: { authorization: REDACTED } } },
      settings: { jwtSecret: REDACTED, secret: REDACTED },
      list: [{ access_token: REDACTED, refresh_token: REDACTED }],
    });
  });

  it('adds requestId inside a request context, child loggers included', async () => {
    const { logger, lines } = captureLogs();
    logger.info('before');
    await runWithRequestContext({ requestId: 'req-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      expect(currentRequestId()).toBe('req-1');
      logger.child({ component: 'feed' }).info('inside');
    });
    logger.info('after');
    const [before, inside, after] = lines();
    expect(before).not.toHaveProperty('requestId');
    expect(inside).toMatchObject({ requestId: 'req-1', component: 'feed', msg: 'inside' });
    expect(after).not.toHaveProperty('requestId');
    expect(currentRequestId()).toBeUndefined();
  });

  it('adds traceId and spanId while a span is active', async () => {
    const { logger, lines } = captureLogs();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = extractTraceContext({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const spanId = await runWithRequestContext({ requestId: 'req-2' }, () =>
      withSpan(
        'work',
        (span) => {
          logger.info('in span');
          return Promise.resolve(span.spanContext().spanId);
        },
        parent,
      ),
    );
    logger.info('outside');
    const [inSpan, outside] = lines();
    expect(inSpan).toMatchObject({ traceId, spanId, requestId: 'req-2', msg: 'in span' });
    expect(outside).not.toHaveProperty('traceId');
    expect(outside).not.toHaveProperty('spanId');
  });

  it('accepts silent', () => {
    const { logger, lines } = captureLogs({ level: 'silent' });
    logger.fatal('nothing');
    expect(lines()).toEqual([]);
  });
});
