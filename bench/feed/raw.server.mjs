/**
 * The raw limit of a feed read on this machine: the same storage work as GET /api/feed, with
 * plain clients on a bare node:http server. No framework, no JWT (the reader is a query
 * parameter), no rate limit, no validation, no gRPC or service layers, no zod parsing of
 * cached posts. Per request, in the same dependency order as the API:
 *   1. pg: the reader's followees with their follower counts (who is a celebrity);
 *   2. Redis, one pipeline: EXISTS + PEXPIRE feed:{me}, ZREVRANGEBYSCORE of feed:{me} and of
 *      every followed celebrity's posts:{id}; merge, cut at the cursor, newest 20;
 *   3. Redis: MGET of post:{id} for those 20;
 *   4. pg: the posts that were not cached (posts + their media ids), if any;
 *   5. in parallel, as the API's hydrator: pg, the authors' summaries, the photos by id and
 *      which of the posts the reader liked; Redis, one pipeline, MGET of the like counters
 *      and MGET of the comment counters;
 * then the same JSON shape as the API's page. (Counters missing from Redis count as 0 here,
 * where the API would rebuild them from PostgreSQL: after the bench's first walk through the
 * pages they are all there.)
 *
 *   GET /feed?user=<id>&limit=20[&before=<post id>]
 */
import http from 'node:http';

/** As feed.keys.ts: ids sharing a double score are re-read at a cursor boundary. */
const SCORE_SLACK = 64;
const FEED_IDLE_TTL_MS = 7 * 24 * 3600 * 1000;

const FOLLOWEES = `
  select f.followee_id, p.follower_count
  from users.follows f join users.profiles p on p.user_id = f.followee_id
  where f.follower_id = $1 order by f.id desc limit 10000`;
const POSTS = `
  select p.id, p.author_id, p.caption, p.hashtags, p.mentions, p.created_at,
    array(select pm.media_id::text from posts.post_media pm where pm.post_id = p.id order by pm.position) as media_ids
  from posts.posts p
  where p.id = any($1::bigint[]) and p.deleted_at is null and p.status = 'published'`;
const AUTHORS =
  'select user_id, username, display_name from users.profiles where user_id = any($1::bigint[])';
const MEDIA = `
  select id, status, mime_type, width, height, placeholder, variants
  from media.media where id = any($1::bigint[])`;
const LIKED = 'select post_id from likes.like_dedup where user_id = $1 and post_id = any($2::bigint[])';

const byIdDesc = (a, b) => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x > y ? -1 : x < y ? 1 : 0;
};

export function rawFeedHandler({ redis, pool, threshold, mediaBaseUrl }) {
  return async function feed(userId, limit, before) {
    const followees = (await pool.query(FOLLOWEES, [userId])).rows;
    const celebrities = followees.filter((f) => Number(f.follower_count) > threshold);
    const max = before === undefined ? '+inf' : String(Number(before));
    const feedKey = `feed:${userId}`;
    const pipeline = redis.pipeline().exists(feedKey).pexpire(feedKey, FEED_IDLE_TTL_MS);
    for (const key of [feedKey, ...celebrities.map((c) => `posts:${c.followee_id}`)]) {
      pipeline.zrevrangebyscore(key, max, '-inf', 'LIMIT', 0, limit + SCORE_SLACK);
    }
    const replies = await pipeline.exec();
    const candidates = new Set();
    for (const [error, members] of replies.slice(2)) {
      if (error) throw error;
      // '' is the built marker of a rebuilt feed (see cache.port.ts).
      for (const member of members) if (member !== '') candidates.add(member);
    }
    const older = [...candidates].filter((id) => before === undefined || BigInt(id) < BigInt(before));
    const ordered = older.sort(byIdDesc);
    const ids = ordered.slice(0, limit);

    const cached = ids.length === 0 ? [] : await redis.mget(ids.map((id) => `post:{${id}}`));
    const posts = new Map();
    const missing = [];
    ids.forEach((id, index) => {
      const value = cached[index];
      if (value === null) missing.push(id);
      else if (value !== 'deleted') {
        const record = JSON.parse(value);
        posts.set(id, {
          id,
          authorId: record.authorId,
          caption: record.caption,
          hashtags: record.hashtags,
          mentions: record.mentions,
          mediaIds: record.mediaIds,
          createdAt: record.createdAt,
        });
      }
    });
    if (missing.length > 0) {
      for (const row of (await pool.query(POSTS, [missing])).rows) {
        posts.set(row.id, {
          id: row.id,
          authorId: row.author_id,
          caption: row.caption,
          hashtags: row.hashtags,
          mentions: row.mentions,
          mediaIds: row.media_ids,
          createdAt: row.created_at.toISOString(),
        });
      }
    }

    const page = ids.flatMap((id) => posts.get(id) ?? []);
    const authorIds = [...new Set(page.map((p) => p.authorId))];
    const mediaIds = [...new Set(page.flatMap((p) => p.mediaIds))];
    const postIds = page.map((p) => p.id);
    const counters =
      postIds.length === 0
        ? Promise.resolve([
            [null, []],
            [null, []],
          ])
        : redis
            .pipeline()
            .mget(postIds.map((id) => `like_count:${id}`))
            .mget(postIds.map((id) => `comment_count:${id}`))
            .exec();
    const [authors, media, liked, [[likeError, likeCounts], [commentError, commentCounts]]] =
      await Promise.all([
        authorIds.length === 0 ? { rows: [] } : pool.query(AUTHORS, [authorIds]),
        mediaIds.length === 0 ? { rows: [] } : pool.query(MEDIA, [mediaIds]),
        postIds.length === 0 ? { rows: [] } : pool.query(LIKED, [userId, postIds]),
        counters,
      ]);
    if (likeError || commentError) throw likeError ?? commentError;
    const authorById = new Map(authors.rows.map((row) => [row.user_id, row]));
    const mediaById = new Map(media.rows.map((row) => [row.id, row]));
    const likedIds = new Set(liked.rows.map((row) => row.post_id));
    const items = page.flatMap((post, index) => {
      const author = authorById.get(post.authorId);
      if (!author) return [];
      return [
        {
          id: post.id,
          author: {
            id: author.user_id,
            username: author.username,
            displayName: author.display_name,
            avatar: null,
          },
          caption: post.caption,
          media: post.mediaIds.flatMap((mediaId) => {
            const row = mediaById.get(mediaId);
            return row ? [presentMedia(row, mediaBaseUrl)] : [];
          }),
          status: 'published',
          hashtags: post.hashtags,
          mentions: post.mentions,
          likeCount: Number(likeCounts[index] ?? 0),
          commentCount: Number(commentCounts[index] ?? 0),
          createdAt: post.createdAt,
          viewer: { liked: likedIds.has(post.id) },
        },
      ];
    });
    return { items, nextCursor: ordered.length > limit ? (ids.at(-1) ?? null) : null };
  };
}

export function presentMedia(row, mediaBaseUrl) {
  return {
    id: row.id,
    status: row.status,
    mimeType: row.mime_type,
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    variants: row.variants.map((v) => ({
      name: v.name,
      width: v.width,
      height: v.height,
      format: v.format,
      bytes: v.bytes,
      url: `${mediaBaseUrl}/${v.key}`,
    })),
  };
}

/**
 * A node:http server answering GET /feed with `handler(userId, limit, before)`, on a free
 * port of 127.0.0.1. Shared by the raw and the pull servers.
 */
export async function startFeedServer(handler) {
  const httpServer = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const before = url.searchParams.get('before') ?? undefined;
    handler(url.searchParams.get('user') ?? '', Number(url.searchParams.get('limit') ?? 20), before).then(
      (page) => {
        const body = JSON.stringify(page);
        response.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        response.end(body);
      },
      (err) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(err));
      },
    );
  });
  httpServer.keepAliveTimeout = 75_000;
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}
