/**
 * The feed benchmark's data, written straight into the tables (one INSERT ... SELECT FROM
 * unnest per table) rather than through the API: authors, celebrities and their extra
 * followers, the reader's follows, published posts with one ready photo each. Ids come from
 * the server's own generator on a clock set to each row's time, so they sort as real ones do.
 */
import { randomBytes } from 'node:crypto';

/** A small deterministic generator: the same data set on every run. */
function prng(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const VARIANTS = [
  ['thumb', 150, 150, 'webp', 6_000],
  ['small', 320, 400, 'webp', 18_000],
  ['medium', 640, 800, 'webp', 55_000],
  ['large', 1080, 1350, 'webp', 140_000],
  ['large-jpeg', 1080, 1350, 'jpeg', 210_000],
];

function variantsOf(mediaId) {
  const hash = randomBytes(8).toString('hex');
  return JSON.stringify(
    VARIANTS.map(([name, width, height, format, bytes]) => ({
      name,
      width,
      height,
      format,
      bytes,
      key: `variants/${mediaId}/${name}.${hash}.${format === 'jpeg' ? 'jpg' : format}`,
    })),
  );
}

async function insertProfiles(client, users) {
  await client.query(
    `insert into users.profiles (user_id, username, display_name, follower_count, following_count, post_count)
     select * from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])`,
    [
      users.map((u) => u.id),
      users.map((u) => u.username),
      users.map((u) => u.displayName),
      users.map((u) => u.followers),
      users.map((u) => u.following),
      users.map((u) => u.posts),
    ],
  );
}

async function insertFollows(client, follows) {
  await client.query(
    `insert into users.follows (id, follower_id, followee_id)
     select * from unnest($1::bigint[], $2::bigint[], $3::bigint[])`,
    [follows.map((f) => f.id), follows.map((f) => f.followerId), follows.map((f) => f.followeeId)],
  );
}

/**
 * Seeds the graph around `readerId` (an account made through the API) and returns the
 * authors, the celebrities (their posts: for the `posts:{id}` lists) and the post count.
 */
export async function seedFeed(
  pool,
  { IdGenerator, readerId, authors, celebrities, posts, otherPosts = 0, threshold },
) {
  const random = prng(42);
  const now = Date.now();
  const userIds = new IdGenerator(2);
  const followIds = new IdGenerator(3);
  let clock = 0;
  const postIds = new IdGenerator(4, () => clock);
  const mediaIds = new IdGenerator(5, () => clock);

  const authorRows = Array.from({ length: authors }, (_, i) => ({
    id: userIds.next(),
    username: `author_${i}`,
    displayName: `Author ${i}`,
    followers: 1,
    following: 0,
    posts: 0,
  }));
  // Celebrities: above the threshold thanks to followers of their own (fans), so their posts
  // are merged at read time rather than pushed.
  const fanCount = threshold + 10 * celebrities;
  const fans = Array.from({ length: fanCount }, (_, i) => ({
    id: userIds.next(),
    username: `fan_${i}`,
    displayName: `Fan ${i}`,
    followers: 0,
    following: 0,
    posts: 0,
  }));
  const follows = [];
  const celebrityRows = authorRows.slice(0, celebrities);
  celebrityRows.forEach((celebrity, k) => {
    const audience = threshold + 10 * (k + 1);
    for (const fan of fans.slice(0, audience)) {
      follows.push({ id: followIds.next(), followerId: fan.id, followeeId: celebrity.id });
      fan.following++;
    }
    celebrity.followers += audience;
  });
  for (const author of authorRows) {
    follows.push({ id: followIds.next(), followerId: readerId, followeeId: author.id });
  }

  // Posts spread over the last week, oldest first, each by a random author: `posts` by the
  // authors the reader follows and `otherPosts`, interleaved with them, by the fans, whom the
  // reader does not follow (the pull query has to skip those).
  const byOthers = Array.from({ length: posts + otherPosts }, (_, i) => i < otherPosts);
  for (let i = byOthers.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [byOthers[i], byOthers[j]] = [byOthers[j], byOthers[i]];
  }
  const postRows = [];
  const week = 7 * 24 * 3600 * 1000;
  for (const [i, other] of byOthers.entries()) {
    const at = now - week + Math.floor(((i + random()) / byOthers.length) * week);
    clock = at;
    const candidates = other ? fans : authorRows;
    const author = candidates[Math.floor(random() * candidates.length)];
    author.posts++;
    postRows.push({ id: postIds.next(), mediaId: mediaIds.next(), authorId: author.id, at: new Date(at) });
  }

  const client = await pool.connect();
  try {
    await client.query('begin');
    await insertProfiles(client, [...authorRows, ...fans]);
    await insertFollows(client, follows);
    await client.query('update users.profiles set following_count = $2 where user_id = $1', [
      readerId,
      authors,
    ]);
    await client.query(
      `insert into media.media (id, owner_id, status, mime_type, bytes, width, height, placeholder, variants, created_at, updated_at)
       select id, owner, 'ready', 'image/jpeg', 2400000, 1080, 1350, $3, variants::jsonb, at, at
       from unnest($1::bigint[], $2::bigint[], $4::text[], $5::timestamptz[]) as m(id, owner, variants, at)`,
      [
        postRows.map((p) => p.mediaId),
        postRows.map((p) => p.authorId),
        'HBkSHYSIeHiPiHh8eJd4eTN1EEQG',
        postRows.map((p) => variantsOf(p.mediaId)),
        postRows.map((p) => p.at),
      ],
    );
    await client.query(
      `insert into posts.posts (id, author_id, caption, status, hashtags, mentions, created_at, published_at)
       select id, author, 'A photo from the benchmark #bench @' || $4, 'published', '{bench}', array[$4], at, at
       from unnest($1::bigint[], $2::bigint[], $3::timestamptz[]) as p(id, author, at)`,
      [postRows.map((p) => p.id), postRows.map((p) => p.authorId), postRows.map((p) => p.at), 'reader'],
    );
    await client.query(
      `insert into posts.post_media (media_id, post_id, position)
       select media, post, 0 from unnest($1::bigint[], $2::bigint[]) as pm(media, post)`,
      [postRows.map((p) => p.mediaId), postRows.map((p) => p.id)],
    );
    await client.query('commit');
    // Statistics and visibility maps now, not from autovacuum in the middle of a measurement.
    await client.query('vacuum analyze');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }

  const celebrityIds = new Set(celebrityRows.map((c) => c.id));
  return {
    authors: authorRows.length,
    celebrities: celebrityRows.map((c) => ({
      id: c.id,
      followers: c.followers,
      postIds: postRows.filter((p) => p.authorId === c.id).map((p) => p.id),
    })),
    fans: fans.length,
    follows: follows.length,
    posts: postRows.length - otherPosts,
    otherPosts,
    celebrityPosts: postRows.filter((p) => celebrityIds.has(p.authorId)).length,
  };
}
