import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  UserServiceDefinition,
  type CreateProfileRequest,
  type FollowRequest,
  type FollowResult,
  type GetProfileRequest,
  type GetSummariesRequest,
  type ListFollowsRequest,
  type Profile,
  type SearchUsersRequest,
  type SummaryList,
  type SummaryPage,
  type UpdateProfileRequest,
  type UserService,
  type ListFollowerIdsRequest,
  type UserIdPage,
  type ListFollowingIdsRequest,
  type FolloweeList,
  type CountUsersRequest,
  type UserCount,
} from '../../generated/glimpse/user/v1/user.js';
import { DomainError, type DomainErrorKind } from '../errors.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { currentRequestContext, runWithRequestContext } from '../logging/requestContext.js';
import { injectTraceparent, setupTracing, withSpan, type Tracing } from '../telemetry/tracing.js';
import { createGrpcClient, type GrpcClient } from './grpc-client.js';
import { GrpcCallError, INTERNAL_ERROR_MESSAGE } from './grpc-errors.js';
import { GrpcServer } from './grpc-server.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.testing.js';

type Method = keyof UserService;
type Answers = { [K in Method]?: Awaited<ReturnType<UserService[K]>> };

interface Received {
  method: Method;
  request: unknown;
  requestId: string | undefined;
  idempotencyKey: string | undefined;
  traceparent: string | undefined;
}

/** The generated interface, implemented to record what arrives and to answer, throw or hang on demand. */
class RecordingUserService implements UserService {
  received: Received[] = [];
  answers: Answers = {};
  failWith: Error | undefined = undefined;
  hang = false;
  /** Runs once, on the next call, after it was recorded. */
  onNextCall: (() => void) | undefined;
  readonly #hanging: Array<() => void> = [];

  reset(): void {
    this.received = [];
    this.answers = {};
    this.failWith = undefined;
    this.hang = false;
    this.onNextCall = undefined;
    this.releaseHanging();
  }

  releaseHanging(): void {
    for (const release of this.#hanging.splice(0)) release();
  }

  async #handle<K extends Method>(method: K, request: unknown): Promise<NonNullable<Answers[K]>> {
    const context = currentRequestContext();
    this.received.push({
      method,
      request,
      requestId: context?.requestId,
      idempotencyKey: context?.idempotencyKey,
      traceparent: injectTraceparent(),
    });
    const hook = this.onNextCall;
    this.onNextCall = undefined;
    hook?.();
    if (this.hang) await new Promise<void>((resolve) => this.#hanging.push(resolve));
    if (this.failWith !== undefined) throw this.failWith;
    const answer = this.answers[method];
    if (answer === undefined) throw new Error(`no answer set for ${method}`);
    return answer;
  }

  createProfile(request: CreateProfileRequest): Promise<Profile> {
    return this.#handle('createProfile', request);
  }
  getProfile(request: GetProfileRequest): Promise<Profile> {
    return this.#handle('getProfile', request);
  }
  getSummaries(request: GetSummariesRequest): Promise<SummaryList> {
    return this.#handle('getSummaries', request);
  }
  updateProfile(request: UpdateProfileRequest): Promise<Profile> {
    return this.#handle('updateProfile', request);
  }
  searchUsers(request: SearchUsersRequest): Promise<SummaryPage> {
    return this.#handle('searchUsers', request);
  }
  follow(request: FollowRequest): Promise<FollowResult> {
    return this.#handle('follow', request);
  }
  unfollow(request: FollowRequest): Promise<FollowResult> {
    return this.#handle('unfollow', request);
  }
  listFollowers(request: ListFollowsRequest): Promise<SummaryPage> {
    return this.#handle('listFollowers', request);
  }
  listFollowing(request: ListFollowsRequest): Promise<SummaryPage> {
    return this.#handle('listFollowing', request);
  }
  listFollowerIds(request: ListFollowerIdsRequest): Promise<UserIdPage> {
    return this.#handle('listFollowerIds', request);
  }
  listFollowingIds(request: ListFollowingIdsRequest): Promise<FolloweeList> {
    return this.#handle('listFollowingIds', request);
  }
  countUsers(request: CountUsersRequest): Promise<UserCount> {
    return this.#handle('countUsers', request);
  }
}

/** Log lines as parsed JSON objects. */
function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

/** A counter's or gauge's value for exactly these labels (0 when never set). */
async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value));
  return match?.value ?? 0;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const SERVICE = 'glimpse.user.v1.UserService';

describe('gRPC transport (grpc-js + ts-proto codecs)', () => {
  const exporter = new InMemorySpanExporter();
  const service = new RecordingUserService();
  const registry = new Registry();
  const serverLogs = memoryLogger();
  const clientLogger = createLogger({ level: 'silent' });
  let tracing: Tracing;
  let server: GrpcServer;
  let port: number;
  let client: GrpcClient<typeof UserServiceDefinition>;

  beforeAll(async () => {
    tracing = setupTracing({
      serviceName: 'grpc-transport-spec',
      exporter: 'none',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    server = new GrpcServer({ host: '127.0.0.1', port: 0, logger: serverLogs.logger, registry });
    server.addService(UserServiceDefinition, service);
    port = await server.start();
    client = createGrpcClient(UserServiceDefinition, {
      url: `127.0.0.1:${port}`,
      serviceLabel: 'user',
      logger: clientLogger,
      registry,
    });
  });

  afterAll(async () => {
    client?.close();
    service.releaseHanging();
    await server?.stop(1000);
    await tracing?.shutdown();
  });

  beforeEach(() => {
    service.reset();
    exporter.reset();
  });

  afterEach(() => {
    service.releaseHanging();
  });

  it('is typed as the generated interface on both sides', () => {
    // Compile-time checks: the client is a UserService, and a UserService is an implementation.
    const asInterface: UserService = client;
    const server2 = new GrpcServer({ host: '127.0.0.1', port: 0, logger: clientLogger });
    server2.addService(UserServiceDefinition, asInterface);
    expect(typeof asInterface.getProfile).toBe('function');
  });

  it('round-trips messages exactly: oneofs, optional fields absent or empty, int64 strings, repeated fields', async () => {
    const profile: Profile = {
      id: '9223372036854775807',
      username: 'ada',
      displayName: 'Ada Lovelace',
      avatarMediaId: '',
      bio: 'Analytical engines, poetical science. ✨',
      followerCount: '9007199254740993',
      followingCount: '0',
      postCount: '12',
      createdAt: '2026-01-02T03:04:05.678Z',
      viewer: { following: true, followedBy: false },
    };
    service.answers.getProfile = profile;

    const byUsername = await client.getProfile({ by: { $case: 'username', value: 'ada' } });
    expect(byUsername).toEqual(profile);
    // Present but empty stays present; the int64 beyond 2^53 is exact.
    expect(byUsername.avatarMediaId).toBe('');
    expect(byUsername.followerCount).toBe('9007199254740993');
    expect(service.received[0]?.request).toEqual({
      by: { $case: 'username', value: 'ada' },
      viewerId: undefined,
    });

    const bare: Profile = { ...profile, avatarMediaId: undefined, viewer: undefined, followerCount: '0' };
    service.answers.getProfile = bare;
    const byId = await client.getProfile({
      by: { $case: 'userId', value: '1234567890123456789' },
      viewerId: '',
    });
    expect(byId.avatarMediaId).toBeUndefined();
    expect(byId.viewer).toBeUndefined();
    expect(byId.followerCount).toBe('0');
    expect(service.received[1]?.request).toEqual({
      by: { $case: 'userId', value: '1234567890123456789' },
      viewerId: '',
    });

    service.answers.getSummaries = {
      items: [
        { id: '1', username: 'a', displayName: 'A', avatarMediaId: '77' },
        { id: '2', username: 'b', displayName: 'B', avatarMediaId: undefined },
      ],
    };
    await expect(client.getSummaries({ userIds: ['2', '1', '3'] })).resolves.toEqual(
      service.answers.getSummaries,
    );
    expect(service.received[2]?.request).toEqual({ userIds: ['2', '1', '3'] });

    service.answers.searchUsers = { items: [], nextCursor: 'eyJ1IjoiYSJ9' };
    await expect(client.searchUsers({ query: 'a', limit: 0, cursor: undefined })).resolves.toEqual({
      items: [],
      nextCursor: 'eyJ1IjoiYSJ9',
    });
    expect(service.received[3]?.request).toEqual({ query: 'a', limit: 0, cursor: undefined });

    service.answers.updateProfile = profile;
    const update: UpdateProfileRequest = { userId: '5', displayName: '', bio: undefined, clearAvatar: true };
    await client.updateProfile(update);
    expect(service.received[4]?.request).toEqual({ ...update, avatarMediaId: undefined });
  });

  describe('errors', () => {
    const thrown: DomainError[] = [
      DomainError.malformed('Cursor is not ours'),
      new DomainError('malformed', 'Bad ids', [{ path: 'userIds.2', message: 'not an id' }]),
      DomainError.invalid('Invalid profile', [{ path: 'username', message: 'is too short' }]),
      DomainError.unauthenticated('Sign in first'),
      DomainError.forbidden('Not yours'),
      DomainError.notFound('User not found'),
      DomainError.conflict('Username is taken', [{ path: 'username', message: 'is already taken' }]),
      DomainError.unavailable('media is unavailable'),
    ];
    const cases = thrown.map((e): [string, DomainError] => [
      e.errors ? `${e.kind} (with field errors)` : e.kind,
      e,
    ]);

    it.each(cases)('a %s DomainError arrives as the same DomainError', async (_name, thrown) => {
      const kind: DomainErrorKind = thrown.kind;
      service.failWith = thrown;
      const error = await rejectionOf(client.getSummaries({ userIds: ['1'] }));
      expect(error).toBeInstanceOf(DomainError);
      const domain = error as DomainError;
      expect(domain.kind).toBe(kind);
      expect(domain.message).toBe(thrown.message);
      expect(domain.errors).toEqual(thrown.errors);
      // A server-sent unavailable is an answer: not retried, the breaker stays closed.
      expect(service.received).toHaveLength(1);
      expect(client.breakerState()).toBe('closed');
    });

    it('an unexpected error arrives as a generic error, and is logged server-side with the request id', async () => {
      service.failWith = new Error('password=hunter2 at db-primary:5432');
      const error = await rejectionOf(
        runWithRequestContext({ requestId: 'req-internal-1' }, () =>
          client.follow({ followerId: '1', followeeUsername: 'b' }),
        ),
      );
      expect(error).toBeInstanceOf(GrpcCallError);
      expect(error).not.toBeInstanceOf(DomainError);
      expect((error as GrpcCallError).message).not.toContain('hunter2');
      expect((error as GrpcCallError).details).toBe(INTERNAL_ERROR_MESSAGE);
      expect((error as GrpcCallError).message).toBe(`/${SERVICE}/Follow failed with INTERNAL`);

      const line = serverLogs.lines.find((l) => l.requestId === 'req-internal-1');
      expect(line).toMatchObject({ level: 'error', method: `${SERVICE}/Follow` });
      expect(JSON.stringify(line)).toContain('hunter2');
      expect(line?.traceId).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  describe('context propagation', () => {
    it('carries the request id, the idempotency key and the trace to the implementation', async () => {
      service.answers.follow = { following: true, followerCount: '1' };
      const rootTraceId = await runWithRequestContext(
        { requestId: 'req-42', idempotencyKey: 'key-7f3a' },
        () =>
          withSpan('gateway POST /v1/users/:username/follow', async (span) => {
            await client.follow({ followerId: '1', followeeUsername: 'b' });
            return span.spanContext().traceId;
          }),
      );

      const [received] = service.received;
      expect(received).toMatchObject({ requestId: 'req-42', idempotencyKey: 'key-7f3a' });
      const match = TRACEPARENT.exec(received?.traceparent ?? '');
      expect(match?.[1]).toBe(rootTraceId);

      // gateway span -> CLIENT span -> SERVER span, and the service saw the SERVER span.
      await vi.waitFor(() => expect(exporter.getFinishedSpans()).toHaveLength(3), { timeout: 5000 });
      const spans = exporter.getFinishedSpans();
      const root = spans.find((s) => s.name.startsWith('gateway'));
      const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
      const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER);
      expect(clientSpan?.name).toBe(`${SERVICE}/Follow`);
      expect(clientSpan?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
      expect(serverSpan?.name).toBe(`${SERVICE}/Follow`);
      expect(serverSpan?.spanContext().traceId).toBe(rootTraceId);
      expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
      expect(match?.[2]).toBe(serverSpan?.spanContext().spanId);
    });

    it('gives the call a request id of its own when the caller has none or a malformed one', async () => {
      service.answers.follow = { following: true, followerCount: '1' };
      await client.follow({ followerId: '1', followeeUsername: 'b' });
      await runWithRequestContext({ requestId: 'not a request id!' }, () =>
        client.follow({ followerId: '1', followeeUsername: 'b' }),
      );
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      expect(service.received[0]?.requestId).toMatch(uuid);
      expect(service.received[0]?.idempotencyKey).toBeUndefined();
      expect(service.received[1]?.requestId).toMatch(uuid);
      // Without a span on the caller's side, the server starts a trace of its own.
      expect(service.received[0]?.traceparent).toMatch(TRACEPARENT);
    });
  });

  it('rejects with unavailable when the implementation does not answer within the deadline', async () => {
    const hasty = createGrpcClient(UserServiceDefinition, {
      url: `127.0.0.1:${port}`,
      serviceLabel: 'user',
      deadlineMs: 200,
      logger: clientLogger,
    });
    try {
      service.hang = true;
      const error = await rejectionOf(hasty.getProfile({ by: { $case: 'username', value: 'slow' } }));
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind: 'unavailable', message: 'user is unavailable' });
      // A deadline is not retried, even for a read.
      expect(service.received).toHaveLength(1);
    } finally {
      hasty.close();
    }
  });

  it('counts calls by method and status code on both sides', async () => {
    service.answers.listFollowers = { items: [], nextCursor: undefined };
    const labels = { service: SERVICE, method: 'ListFollowers' };
    const before = {
      serverOk: await metricValue(registry, 'grpc_server_handled_total', { ...labels, code: 'OK' }),
      serverNotFound: await metricValue(registry, 'grpc_server_handled_total', {
        ...labels,
        code: 'NOT_FOUND',
      }),
      clientOk: await metricValue(registry, 'grpc_client_handled_total', { ...labels, code: 'OK' }),
    };
    await client.listFollowers({ username: 'ada', limit: 10 });
    service.failWith = DomainError.notFound('User not found');
    await expect(client.listFollowers({ username: 'nobody', limit: 10 })).rejects.toBeInstanceOf(DomainError);

    await vi.waitFor(async () =>
      expect(await metricValue(registry, 'grpc_server_handled_total', { ...labels, code: 'NOT_FOUND' })).toBe(
        before.serverNotFound + 1,
      ),
    );
    expect(await metricValue(registry, 'grpc_server_handled_total', { ...labels, code: 'OK' })).toBe(
      before.serverOk + 1,
    );
    expect(await metricValue(registry, 'grpc_client_handled_total', { ...labels, code: 'OK' })).toBe(
      before.clientOk + 1,
    );
    const exposition = await registry.metrics();
    expect(exposition).toContain(
      `grpc_server_handling_seconds_count{service="${SERVICE}",method="ListFollowers"}`,
    );
    expect(exposition).toContain(
      `grpc_client_handling_seconds_count{service="${SERVICE}",method="ListFollowers"}`,
    );
  });

  describe('shutdown', () => {
    const drained = new RecordingUserService();
    let drainingServer: GrpcServer;
    let drainingClient: GrpcClient<typeof UserServiceDefinition>;

    beforeEach(async () => {
      drained.reset();
      drained.answers.follow = { following: true, followerCount: '3' };
      drainingServer = new GrpcServer({ host: '127.0.0.1', port: 0, logger: clientLogger });
      drainingServer.addService(UserServiceDefinition, drained);
      const drainingPort = await drainingServer.start();
      drainingClient = createGrpcClient(UserServiceDefinition, {
        url: `127.0.0.1:${drainingPort}`,
        serviceLabel: 'user',
        deadlineMs: 30_000,
        logger: clientLogger,
      });
    });

    afterEach(async () => {
      drained.releaseHanging();
      drainingClient.close();
      await drainingServer.stop(0);
    });

    it('lets in-flight calls finish within the grace period', async () => {
      drained.hang = true;
      const inFlight = drainingClient.follow({ followerId: '1', followeeUsername: 'ada' });
      await vi.waitFor(() => expect(drained.received).toHaveLength(1), { timeout: 10_000 });

      const stopping = drainingServer.stop(30_000);
      drained.releaseHanging();
      await expect(inFlight).resolves.toEqual({ following: true, followerCount: '3' });
      await expect(stopping).resolves.toBeUndefined();
    });

    it('cancels what is still running when the grace period is over', async () => {
      drained.hang = true;
      const inFlight = drainingClient.follow({ followerId: '1', followeeUsername: 'ada' });
      await vi.waitFor(() => expect(drained.received).toHaveLength(1), { timeout: 10_000 });

      await drainingServer.stop(50);
      await expect(inFlight).rejects.toMatchObject({ kind: 'unavailable' });
    });
  });

  describe('when the connection drops mid-call', () => {
    let proxy: TcpProxy;
    let viaProxy: GrpcClient<typeof UserServiceDefinition>;

    beforeAll(async () => {
      proxy = await startTcpProxy(port);
      viaProxy = createGrpcClient(UserServiceDefinition, {
        url: `127.0.0.1:${proxy.port}`,
        serviceLabel: 'user',
        logger: clientLogger,
      });
    });

    afterAll(async () => {
      viaProxy?.close();
      await proxy?.close();
    });

    it('retries a read once, on a new connection', async () => {
      service.answers.getProfile = {
        id: '1',
        username: 'ada',
        displayName: 'Ada',
        bio: '',
        followerCount: '0',
        followingCount: '0',
        postCount: '0',
        createdAt: '2026-01-01T00:00:00.000Z',
      };
      service.onNextCall = () => proxy.dropConnections();
      await expect(viaProxy.getProfile({ by: { $case: 'username', value: 'ada' } })).resolves.toMatchObject({
        username: 'ada',
      });
      expect(service.received.map((r) => r.method)).toEqual(['getProfile', 'getProfile']);
    });

    it('never retries a write', async () => {
      service.answers.follow = { following: true, followerCount: '1' };
      service.onNextCall = () => proxy.dropConnections();
      const error = await rejectionOf(viaProxy.follow({ followerId: '1', followeeUsername: 'ada' }));
      expect(error).toMatchObject({ kind: 'unavailable', message: 'user is unavailable' });
      expect(service.received.map((r) => r.method)).toEqual(['follow']);
    });
  });

  describe('when the server goes away and comes back on the same port', () => {
    const flakyService = new RecordingUserService();
    const clock = { now: 1_000_000 };
    let flaky: GrpcServer;
    let flakyPort: number;
    let flakyClient: GrpcClient<typeof UserServiceDefinition>;
    const byName: GetProfileRequest = { by: { $case: 'username', value: 'ada' } };

    beforeAll(async () => {
      flaky = new GrpcServer({ host: '127.0.0.1', port: 0, logger: clientLogger });
      flaky.addService(UserServiceDefinition, flakyService);
      flakyPort = await flaky.start();
      flakyClient = createGrpcClient(UserServiceDefinition, {
        url: `127.0.0.1:${flakyPort}`,
        serviceLabel: 'flaky-user',
        // The breaker's clock is ours: the cooldown ends when the test says so, whatever the machine's load.
        breaker: { failureThreshold: 3, cooldownMs: 200, now: () => clock.now },
        logger: clientLogger,
        registry,
      });
      flakyService.answers.getProfile = {
        id: '1',
        username: 'ada',
        displayName: 'Ada',
        bio: '',
        followerCount: '0',
        followingCount: '0',
        postCount: '0',
        createdAt: '2026-01-01T00:00:00.000Z',
      };
      flakyService.answers.follow = { following: true, followerCount: '1' };
    });

    afterAll(async () => {
      flakyClient?.close();
      await flaky?.stop(1000);
    });

    it('fails fast, opens the breaker, then closes it after a successful trial call', async () => {
      const attempts = (method: string, code: string) =>
        metricValue(registry, 'grpc_client_handled_total', { service: SERVICE, method, code });
      const breakerOpen = () => metricValue(registry, 'grpc_client_breaker_open', { service: SERVICE });

      await expect(flakyClient.health()).resolves.toBeUndefined();
      await expect(flakyClient.getProfile(byName)).resolves.toMatchObject({ username: 'ada' });
      expect(flakyService.received).toHaveLength(1);

      await flaky.stop(1000);
      await expect(flakyClient.health()).rejects.toMatchObject({ kind: 'unavailable' });

      // A write: one attempt, no retry.
      const followsBefore = await attempts('Follow', 'UNAVAILABLE');
      await expect(flakyClient.follow({ followerId: '1', followeeUsername: 'ada' })).rejects.toMatchObject({
        kind: 'unavailable',
        message: 'flaky-user is unavailable',
      });
      expect(await attempts('Follow', 'UNAVAILABLE')).toBe(followsBefore + 1);

      // A read: two attempts (one retry), still one failure for the breaker.
      const readsBefore = await attempts('GetProfile', 'UNAVAILABLE');
      await expect(flakyClient.getProfile(byName)).rejects.toMatchObject({ kind: 'unavailable' });
      expect(await attempts('GetProfile', 'UNAVAILABLE')).toBe(readsBefore + 2);
      expect(flakyClient.breakerState()).toBe('closed');

      await expect(flakyClient.getProfile(byName)).rejects.toMatchObject({ kind: 'unavailable' });
      expect(flakyClient.breakerState()).toBe('open');
      expect(await breakerOpen()).toBe(1);

      // Open: no network attempt at all.
      const attemptsWhenOpened = await attempts('GetProfile', 'UNAVAILABLE');
      await expect(flakyClient.getProfile(byName)).rejects.toMatchObject({
        kind: 'unavailable',
        message: 'flaky-user is unavailable',
      });
      expect(await attempts('GetProfile', 'UNAVAILABLE')).toBe(attemptsWhenOpened);

      // Back on the same port; the channel reconnects, but the breaker holds until its cooldown is over.
      expect(await flaky.start()).toBe(flakyPort);
      await vi.waitFor(() => flakyClient.health(), { timeout: 20_000, interval: 100 });
      await expect(flakyClient.getProfile(byName)).rejects.toMatchObject({ kind: 'unavailable' });
      expect(flakyService.received).toHaveLength(1);

      clock.now += 200;
      expect(flakyClient.breakerState()).toBe('half_open');
      await expect(flakyClient.getProfile(byName)).resolves.toMatchObject({ username: 'ada' });
      expect(flakyService.received).toHaveLength(2);
      expect(flakyClient.breakerState()).toBe('closed');
      expect(await breakerOpen()).toBe(0);
    });
  });
});
