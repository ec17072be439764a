import 'reflect-metadata';

import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuthService } from '../../generated/glimpse/auth/v1/auth.js';
import {
  MediaStatus,
  type CompleteUploadRequest,
  type CreateMediaRequest,
  type GetMediaBatchRequest,
  type GetMediaRequest,
  type Media,
  type MediaList,
  type MediaService,
} from '../../generated/glimpse/media/v1/media.js';
import {
  PostStatus,
  type CreatePostRequest,
  type DeletePostRequest,
  type Empty,
  type GetPostRequest,
  type GetPostsRequest,
  type ListAuthorPostsRequest,
  type Post,
  type PostList,
  type PostPage,
  type PostService,
} from '../../generated/glimpse/post/v1/post.js';
import type {
  GetProfileRequest,
  GetSummariesRequest,
  Profile,
  SummaryList,
  UserService,
} from '../../generated/glimpse/user/v1/user.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { DomainError } from '../../platform/errors.js';
import { MemoryPubSub } from '../../platform/pubsub/memory.pubsub.js';
import { LocalDiskStorage } from '../../platform/storage/local-disk.storage.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import type { Principal } from '../auth/principal.js';
import { checkDeclaredUpload } from '../../services/media/media.rules.js';
import { createGatewayApp } from '../gateway.app.js';

/*
 * The gateway's media and post routes over a real socket, with small in-memory stand-ins for
 * the services (the real ones are exercised end to end in test/api). What is checked here is
 * the gateway's own part: streaming, limits, content types, idempotency, presentation.
 */

const MAX_BYTES = 64 * 1024;
const MEDIA_BASE_URL = 'http://media.example.test:9000/media';
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const PNG_HEAD = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

function fileOf(head: Buffer, size: number): Buffer {
  const file = Buffer.alloc(size, 0x33);
  head.copy(file);
  return file;
}

const USERS: Record<string, Principal & { displayName: string }> = {
  'token-ana': { userId: '101', username: 'ana', displayName: 'Ana' },
  'token-bo': { userId: '102', username: 'bo', displayName: 'Bo' },
};

class MemoryMedia implements MediaService {
  readonly records = new Map<string, Media>();
  createCalls = 0;
  batchCalls = 0;
  private nextId = 5000;

  constructor(private readonly storage: ObjectStorage) {}

  createMedia(request: CreateMediaRequest): Promise<Media> {
    this.createCalls += 1;
    // The service's own rule for what an uploader may declare.
    const mimeType = checkDeclaredUpload(request.contentType, request.bytes, MAX_BYTES);
    const id = String(this.nextId++);
    const media: Media = {
      id,
      ownerId: request.ownerId,
      status: MediaStatus.MEDIA_STATUS_PENDING,
      mimeType,
      width: 0,
      height: 0,
      variants: [],
      createdAt: new Date().toISOString(),
      originalKey: `originals/${id}`,
      bytes: request.bytes,
    };
    this.records.set(id, media);
    return Promise.resolve({ ...media });
  }

  async completeUpload(request: CompleteUploadRequest): Promise<Media> {
    const media = await this.getMedia(request);
    if (media.status !== MediaStatus.MEDIA_STATUS_PENDING) return media;
    const head = await this.storage.head(media.originalKey);
    if (!head) throw DomainError.conflict('The upload has not been received yet');
    const uploaded = {
      ...media,
      status: MediaStatus.MEDIA_STATUS_UPLOADED,
      bytes: String(head.bytes),
      mimeType: head.contentType,
    };
    this.records.set(media.id, uploaded);
    return { ...uploaded };
  }

  getMedia(request: GetMediaRequest): Promise<Media> {
    const media = this.records.get(request.mediaId);
    if (!media || (request.ownerId !== undefined && media.ownerId !== request.ownerId)) {
      return Promise.reject(DomainError.notFound('Media not found'));
    }
    return Promise.resolve({ ...media });
  }

  getMediaBatch(request: GetMediaBatchRequest): Promise<MediaList> {
    this.batchCalls += 1;
    return Promise.resolve({ items: request.mediaIds.flatMap((id) => this.records.get(id) ?? []) });
  }
}

class MemoryPosts implements PostService {
  private readonly posts = new Map<string, Post>();
  private nextId = 9000;

  constructor(private readonly media: MemoryMedia) {}

  createPost(request: CreatePostRequest): Promise<Post> {
    for (const [index, id] of request.mediaIds.entries()) {
      if (this.media.records.get(id)?.ownerId !== request.authorId) {
        return Promise.reject(
          DomainError.invalid('Invalid media', [{ path: `mediaIds.${index}`, message: 'unknown media' }]),
        );
      }
    }
    const post: Post = {
      id: String(this.nextId++),
      authorId: request.authorId,
      caption: request.caption,
      mediaIds: request.mediaIds,
      status: PostStatus.POST_STATUS_PENDING,
      hashtags: [...request.caption.matchAll(/#(\w+)/g)].map((m) => (m[1] ?? '').toLowerCase()),
      mentions: [],
      createdAt: new Date().toISOString(),
    };
    this.posts.set(post.id, post);
    return Promise.resolve(post);
  }

  getPost(request: GetPostRequest): Promise<Post> {
    const post = this.posts.get(request.postId);
    return post ? Promise.resolve(post) : Promise.reject(DomainError.notFound('Post not found'));
  }

  getPosts(request: GetPostsRequest): Promise<PostList> {
    return Promise.resolve({ items: request.postIds.flatMap((id) => this.posts.get(id) ?? []) });
  }

  deletePost(request: DeletePostRequest): Promise<Empty> {
    const post = this.posts.get(request.postId);
    if (!post) return Promise.reject(DomainError.notFound('Post not found'));
    if (post.authorId !== request.authorId) return Promise.reject(DomainError.forbidden('Not your post'));
    this.posts.delete(post.id);
    return Promise.resolve({});
  }

  listAuthorPosts(request: ListAuthorPostsRequest): Promise<PostPage> {
    const mine = [...this.posts.values()]
      .filter((post) => post.authorId === request.authorId)
      .sort((a, b) => Number(b.id) - Number(a.id));
    return Promise.resolve({ items: mine.slice(0, request.limit) });
  }

  settleMedia(): Promise<Empty> {
    return Promise.resolve({});
  }

  listRecentByAuthors = notUsed;
  listRecentPublished = notUsed;
  countPosts = notUsed;
}

function profileOf(user: Principal & { displayName: string }): Profile {
  return {
    id: user.userId,
    username: user.username,
    displayName: user.displayName,
    bio: '',
    followerCount: '0',
    followingCount: '0',
    postCount: '0',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const notUsed = () => Promise.reject(new Error('not used by these tests'));

const auth: AuthService = {
  signup: notUsed,
  login: notUsed,
  refresh: notUsed,
  logout: notUsed,
  getAccount: notUsed,
};

const users: UserService & { summaryCalls: number } = {
  createProfile: notUsed,
  updateProfile: notUsed,
  searchUsers: notUsed,
  follow: notUsed,
  unfollow: notUsed,
  listFollowers: notUsed,
  listFollowing: notUsed,
  listFollowerIds: notUsed,
  listFollowingIds: notUsed,
  countUsers: notUsed,
  summaryCalls: 0,
  getProfile(request: GetProfileRequest): Promise<Profile> {
    const found = Object.values(USERS).find((user) =>
      request.by?.$case === 'username'
        ? user.username === request.by.value
        : user.userId === request.by?.value,
    );
    return found ? Promise.resolve(profileOf(found)) : Promise.reject(DomainError.notFound('User not found'));
  },
  getSummaries(request: GetSummariesRequest): Promise<SummaryList> {
    users.summaryCalls += 1;
    const known = Object.values(USERS);
    return Promise.resolve({
      items: request.userIds.flatMap((id) =>
        known.filter((user) => user.userId === id).map((user) => profileOf(user)),
      ),
    });
  },
};

describe('media and post routes over HTTP', () => {
  let dir: string;
  let storage: LocalDiskStorage;
  let media: MemoryMedia;
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glimpse-gateway-media-'));
    storage = new LocalDiskStorage({ root: dir, publicBaseUrl: MEDIA_BASE_URL });
    media = new MemoryMedia(storage);
    app = await createGatewayApp({
      auth,
      users,
      media,
      posts: new MemoryPosts(media),
      feed: { getFeed: notUsed, getExplore: notUsed },
      likes: {
        like: notUsed,
        unlike: notUsed,
        listLikers: notUsed,
        reconcile: notUsed,
        getLikeSummaries: ({ postIds }) =>
          Promise.resolve({
            items: postIds.map((postId) => ({ postId, likeCount: '0', likedByViewer: false })),
          }),
      },
      comments: {
        createComment: notUsed,
        listComments: notUsed,
        deleteComment: notUsed,
        reconcile: notUsed,
        getCommentCounts: ({ postIds }) =>
          Promise.resolve({ items: postIds.map((postId) => ({ postId, commentCount: '0' })) }),
      },
      notifications: {
        listNotifications: notUsed,
        listChanges: notUsed,
        getUnreadCount: notUsed,
        markRead: notUsed,
      },
      analytics: {
        recordImpressions: notUsed,
        getCreatorAnalytics: notUsed,
        getPostAnalytics: notUsed,
        getSystemStats: notUsed,
      },
      notificationStreaming: {
        pubsub: new MemoryPubSub(),
        heartbeatMs: 15_000,
        maxStreamsPerUser: 5,
        logger: pino({ level: 'silent' }),
      },
      storage,
      mediaMaxBytes: MAX_BYTES,
      cache: new MemoryCache(),
      verifier: {
        verify: (token) => {
          const user = USERS[token];
          return user
            ? Promise.resolve({ userId: user.userId, username: user.username })
            : Promise.reject(new Error('bad'));
        },
      },
      logger: pino({ level: 'silent' }),
      httpMetrics: { observe: () => undefined },
      healthChecks: [],
      metricsRegistry: new Registry(),
      bodyLimitBytes: 16 * 1024,
      corsOrigins: [],
      rateLimitMultiplier: 100,
      version: 'test',
      webRoot: join(dir, 'no-web-app'),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.getHttpServer().address();
    if (!address || typeof address !== 'object') throw new Error('not listening');
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await app?.close();
    await storage?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function call(
    method: string,
    path: string,
    init: { token?: string; headers?: Record<string, string>; body?: RequestInit['body'] } = {},
  ) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(init.token ? bearer(init.token) : {}), ...init.headers },
      ...(init.body !== undefined && { body: init.body }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  const json = (value: unknown) => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });

  describe('POST /api/media', () => {
    it('streams a multipart file to storage, typed by its bytes, and answers 202 processing', async () => {
      const file = fileOf(JPEG_HEAD, 20_000);
      const form = new FormData();
      form.append('caption', 'ignored');
      form.append('file', new Blob([file], { type: 'image/png' }), 'photo.png');
      const res = await call('POST', '/api/media', { token: 'token-ana', body: form });
      expect(res.status, res.text).toBe(202);
      expect(res.body).toEqual({
        id: expect.any(String),
        status: 'processing',
        mimeType: 'image/jpeg',
        width: null,
        height: null,
        placeholder: null,
        variants: [],
      });
      const stored = await storage.get(`originals/${res.body.id}`);
      expect(stored?.contentType).toBe('image/jpeg');
      expect(stored?.bytes).toBe(file.byteLength);
      stored?.body.destroy();
      expect(media.records.get(res.body.id)?.ownerId).toBe('101');
    });

    it('takes a raw image body of exactly the limit, whatever Content-Type image/* it claims', async () => {
      const file = fileOf(PNG_HEAD, MAX_BYTES);
      const res = await call('POST', '/api/media', {
        token: 'token-ana',
        headers: { 'content-type': 'image/jpeg; name="photo.jpg"' },
        body: file,
      });
      expect(res.status, res.text).toBe(202);
      expect(res.body.mimeType).toBe('image/png');
      expect((await storage.head(`originals/${res.body.id}`))?.bytes).toBe(MAX_BYTES);
    });

    it('refuses what is not an image with 415 and the reason, before reserving anything', async () => {
      const before = media.createCalls;
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      const raw = await call('POST', '/api/media', {
        token: 'token-ana',
        headers: { 'content-type': 'image/svg+xml' },
        body: svg,
      });
      expect(raw.status).toBe(415);
      expect(raw.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(raw.body.detail).toMatch(/SVG/);

      const form = new FormData();
      form.append('file', new Blob(['just some text, not a photo']), 'notes.jpg');
      const multipart = await call('POST', '/api/media', { token: 'token-ana', body: form });
      expect(multipart.status).toBe(415);
      expect(multipart.body.detail).toMatch(/text/);
      expect(media.createCalls).toBe(before);
    });

    it('asks for the file field by name', async () => {
      const form = new FormData();
      form.append('photo', new Blob([fileOf(JPEG_HEAD, 100)]), 'a.jpg');
      const res = await call('POST', '/api/media', { token: 'token-ana', body: form });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: 'file', message: expect.any(String) }]);
    });

    it('refuses a Content-Length over the limit at once with 413, raw or multipart', async () => {
      const before = media.createCalls;
      const big = fileOf(JPEG_HEAD, MAX_BYTES + 1);
      const raw = await call('POST', '/api/media', {
        token: 'token-ana',
        headers: { 'content-type': 'image/jpeg' },
        body: big,
      });
      expect(raw.status).toBe(413);
      expect(raw.body.detail).toMatch(/limit/);
      const form = new FormData();
      form.append('file', new Blob([fileOf(JPEG_HEAD, MAX_BYTES + 20_000)]), 'big.jpg');
      const multipart = await call('POST', '/api/media', { token: 'token-ana', body: form });
      expect(multipart.status).toBe(413);
      expect(media.createCalls).toBe(before);
    });

    it('refuses a multipart file just over the limit while streaming it', async () => {
      const form = new FormData();
      form.append('file', new Blob([fileOf(JPEG_HEAD, MAX_BYTES + 1)]), 'big.jpg');
      const res = await call('POST', '/api/media', { token: 'token-ana', body: form });
      expect(res.status).toBe(413);
    });

    it('needs a signed-in caller', async () => {
      const res = await call('POST', '/api/media', {
        headers: { 'content-type': 'image/jpeg' },
        body: fileOf(JPEG_HEAD, 100),
      });
      expect(res.status).toBe(401);
    });

    it('replays an upload sent again with the same Idempotency-Key, without storing it twice', async () => {
      const before = media.createCalls;
      const file = fileOf(JPEG_HEAD, 3000);
      const send = (body: Buffer) =>
        call('POST', '/api/media', {
          token: 'token-bo',
          headers: { 'content-type': 'image/jpeg', 'idempotency-key': 'upload-1' },
          body,
        });
      const first = await send(file);
      expect(first.status).toBe(202);
      const second = await send(file);
      expect(second.status).toBe(202);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body.id).toBe(first.body.id);
      expect(media.createCalls).toBe(before + 1);
      // Same key, another file (another size): a different request.
      expect((await send(fileOf(JPEG_HEAD, 3001))).status).toBe(422);
    });
  });

  describe('streamed bodies on the wire', () => {
    /** A chunked upload (no Content-Length) of `totalBytes`, then the answer. */
    function chunkedUpload(agent: http.Agent, totalBytes: number) {
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(`${base}/api/media`, {
          method: 'POST',
          agent,
          headers: { ...bearer('token-ana'), 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' },
        });
        request.on('response', (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }),
          );
        });
        request.on('error', reject);
        let sent = 0;
        const chunk = Buffer.alloc(8 * 1024, 0x44);
        const write = () => {
          while (sent < totalBytes) {
            const piece =
              sent === 0 ? Buffer.concat([JPEG_HEAD, chunk.subarray(JPEG_HEAD.byteLength)]) : chunk;
            sent += piece.byteLength;
            if (!request.write(piece)) return request.once('drain', write);
          }
          request.end();
        };
        write();
      });
    }

    it('answers 413 mid-stream, reads the rest a client sends within reason, and keeps the connection', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const result = await chunkedUpload(agent, MAX_BYTES + 24 * 1024);
        expect(result.status).toBe(413);
        expect(JSON.parse(result.body)).toMatchObject({
          status: 413,
          detail: expect.stringMatching(/limit/),
        });
        // The same connection serves the next request.
        const next = await new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
          const request = http.get(`${base}/healthz`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: request.reusedSocket }));
          });
          request.on('error', reject);
        });
        expect(next).toEqual({ status: 200, reused: true });
      } finally {
        agent.destroy();
      }
    });

    it('answers 413 and closes the connection of a client that keeps sending', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        // More than the kernel's socket buffers can hold: a client cut off cannot have sent it all.
        const total = 512 * MAX_BYTES;
        const result = await new Promise<{ status: number; closed: boolean; sent: number }>((resolve) => {
          let sent = 0;
          let status = 0;
          const request = http.request(`${base}/api/media`, {
            method: 'POST',
            agent,
            headers: { ...bearer('token-ana'), 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' },
          });
          request.on('response', (res) => {
            status = res.statusCode ?? 0;
            res.resume();
          });
          request.on('socket', (socket) =>
            socket.once('close', () => resolve({ status, closed: true, sent })),
          );
          request.on('error', () => undefined);
          const chunk = Buffer.alloc(8 * 1024, 0x44);
          const write = () => {
            while (sent < total && !request.destroyed) {
              const piece =
                sent === 0 ? Buffer.concat([JPEG_HEAD, chunk.subarray(JPEG_HEAD.byteLength)]) : chunk;
              sent += piece.byteLength;
              if (!request.write(piece)) return request.once('drain', write);
            }
            if (!request.destroyed) request.end();
          };
          write();
        });
        expect(result.status).toBe(413);
        expect(result.closed).toBe(true);
        expect(result.sent).toBeLessThan(total);
      } finally {
        agent.destroy();
      }
    });

    it('answers 415 to streamed types on JSON routes, and to other types on upload routes', async () => {
      const png = await call('POST', '/api/posts', {
        token: 'token-ana',
        headers: { 'content-type': 'image/png' },
        body: fileOf(PNG_HEAD, 100),
      });
      expect(png.status).toBe(415);
      expect(png.body.detail).toMatch(/application\/json/);
      const form = new FormData();
      form.append('caption', 'hi');
      const multipart = await call('POST', '/api/posts', { token: 'token-ana', body: form });
      expect(multipart.status).toBe(415);
      const jsonUpload = await call('POST', '/api/media', { token: 'token-ana', ...json({ file: 'x' }) });
      expect(jsonUpload.status).toBe(415);
      expect(jsonUpload.body.detail).toMatch(/multipart\/form-data or image\/\*/);
      const textPut = await call('PUT', '/api/media/1/content', {
        token: 'token-ana',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(textPut.status).toBe(415);
    });
  });

  describe('direct uploads', () => {
    async function reserve(token: string, contentType: string, bytes: number) {
      return call('POST', '/api/media/uploads', { token, ...json({ contentType, bytes }) });
    }

    it('reserves a media and points a local-disk client at this server’s content URL', async () => {
      const res = await reserve('token-ana', 'image/PNG', 5000);
      expect(res.status, res.text).toBe(201);
      expect(res.body.media).toMatchObject({ status: 'pending', mimeType: 'image/png' });
      expect(res.body.upload).toEqual({
        url: `/api/media/${res.body.media.id}/content`,
        method: 'PUT',
        headers: { 'Content-Type': 'image/png' },
        expiresAt: expect.any(String),
      });
      const expiresIn = Date.parse(res.body.upload.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(10 * 60_000);
      expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);
    });

    it('refuses types we do not take (415) and sizes over the limit (413)', async () => {
      expect((await reserve('token-ana', 'image/svg+xml', 100)).status).toBe(415);
      expect((await reserve('token-ana', 'application/pdf', 100)).status).toBe(415);
      expect((await reserve('token-ana', 'image/jpeg', MAX_BYTES + 1)).status).toBe(413);
      expect((await reserve('token-ana', 'image/jpeg', 0)).status).toBe(422);
    });

    it('takes exactly the declared bytes, from the owner only, until completed', async () => {
      const file = fileOf(PNG_HEAD, 5000);
      const { body } = await reserve('token-ana', 'image/png', file.byteLength);
      const url = body.upload.url as string;
      const put = (token: string, bytes: Buffer) =>
        call('PUT', url, { token, headers: { 'content-type': 'image/png' }, body: bytes });

      expect((await put('token-bo', file)).status).toBe(404);
      const short = await put('token-ana', file.subarray(0, 4999));
      expect(short.status).toBe(400);
      expect(short.body.detail).toMatch(/4999 bytes.*5000/);
      expect((await put('token-ana', Buffer.concat([file, Buffer.from([1])]))).status).toBe(413);
      expect(
        (await call('POST', `/api/media/${body.media.id}/complete`, { token: 'token-ana' })).status,
      ).toBe(409);

      const ok = await put('token-ana', file);
      expect(ok.status, ok.text).toBe(204);
      // Until completed it may be sent again (a retry), as a presigned URL allows.
      expect((await put('token-ana', file)).status).toBe(204);

      const completed = await call('POST', `/api/media/${body.media.id}/complete`, { token: 'token-ana' });
      expect(completed.status).toBe(202);
      expect(completed.body).toMatchObject({
        id: body.media.id,
        status: 'processing',
        mimeType: 'image/png',
      });
      expect((await put('token-ana', file)).status).toBe(409);
      const got = await call('GET', `/api/media/${body.media.id}`, { token: 'token-ana' });
      expect(got.status).toBe(200);
      expect(got.body.status).toBe('processing');
      expect((await call('GET', `/api/media/${body.media.id}`, { token: 'token-bo' })).status).toBe(404);
    });

    it('closes the local upload window when a presigned URL would have expired', async () => {
      const { body } = await reserve('token-ana', 'image/jpeg', 100);
      const record = media.records.get(body.media.id)!;
      media.records.set(record.id, {
        ...record,
        createdAt: new Date(Date.now() - 16 * 60_000).toISOString(),
      });
      const res = await call('PUT', body.upload.url, {
        token: 'token-ana',
        headers: { 'content-type': 'image/jpeg' },
        body: fileOf(JPEG_HEAD, 100),
      });
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/run out/);
    });
  });

  describe('posts', () => {
    async function uploaded(token: string): Promise<string> {
      const res = await call('POST', '/api/media', {
        token,
        headers: { 'content-type': 'image/jpeg' },
        body: fileOf(JPEG_HEAD, 500),
      });
      expect(res.status).toBe(202);
      return res.body.id as string;
    }

    it('creates, shows, lists and deletes posts, hydrated with their author and media', async () => {
      const first = await uploaded('token-ana');
      const second = await uploaded('token-ana');
      const created = await call('POST', '/api/posts', {
        token: 'token-ana',
        ...json({ caption: 'Two #Photos', mediaIds: [second, first] }),
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({
        author: { id: '101', username: 'ana', displayName: 'Ana', avatar: null },
        caption: 'Two #Photos',
        status: 'pending',
        hashtags: ['photos'],
        mentions: [],
        likeCount: 0,
        commentCount: 0,
        viewer: { liked: false },
      });
      expect(created.body.media.map((m: { id: string }) => m.id)).toEqual([second, first]);

      const anonymous = await call('GET', `/api/posts/${created.body.id}`);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body.viewer).toBeNull();

      const summaryCalls = users.summaryCalls;
      const batchCalls = media.batchCalls;
      await call('POST', '/api/posts', {
        token: 'token-ana',
        ...json({ caption: 'three', mediaIds: [await uploaded('token-ana')] }),
      });
      const page = await call('GET', '/api/users/ana/posts?limit=10', { token: 'token-bo' });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeGreaterThanOrEqual(2);
      expect(page.body.nextCursor).toBeNull();
      // One create and one page: one lookup of each kind apiece, however many posts.
      expect(users.summaryCalls - summaryCalls).toBe(2);
      expect(media.batchCalls - batchCalls).toBe(2);

      expect((await call('GET', '/api/users/nobody/posts')).status).toBe(404);
      expect((await call('DELETE', `/api/posts/${created.body.id}`, { token: 'token-bo' })).status).toBe(403);
      expect((await call('DELETE', `/api/posts/${created.body.id}`, { token: 'token-ana' })).status).toBe(
        204,
      );
      expect((await call('GET', `/api/posts/${created.body.id}`)).status).toBe(404);
    });

    it('validates the body: 1 to 10 distinct media ids', async () => {
      const id = await uploaded('token-ana');
      const post = (body: unknown) => call('POST', '/api/posts', { token: 'token-ana', ...json(body) });
      expect((await post({ caption: 'x', mediaIds: [] })).status).toBe(422);
      expect(
        (await post({ caption: 'x', mediaIds: Array.from({ length: 11 }, (_, i) => String(i + 1)) })).status,
      ).toBe(422);
      expect((await post({ caption: 'x', mediaIds: [id, id] })).status).toBe(422);
      expect((await post({ mediaIds: [id] })).status).toBe(201);
      expect((await call('POST', '/api/posts', json({ caption: 'x', mediaIds: [id] }))).status).toBe(401);
    });
  });

  it('lets pages load images from the media origin', async () => {
    const res = await fetch(`${base}/healthz`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/img-src 'self' data: blob: http:\/\/media\.example\.test:9000(;|$)/);
  });
});
