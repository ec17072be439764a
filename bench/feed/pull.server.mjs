/**
 * The naive pull feed: no Redis at all, the page computed on every request by PostgreSQL,
 * the join of the reader's follows with everyone's posts ordered by id desc limit 20, its
 * authors, photos, like and comment counts and the reader's likes in the same statement (one
 * round trip per request).
 *
 *   GET /feed?user=<id>&limit=20[&before=<post id>]
 */
import { presentMedia } from './raw.server.mjs';

/** `before` goes in only when given, so it is a bound of the scan rather than a filter. */
function pullQuery(withCursor) {
  return `
    with page as (
      select p.id, p.author_id, p.caption, p.hashtags, p.mentions, p.created_at
      from users.follows f
      join posts.posts p on p.author_id = f.followee_id
      where f.follower_id = $1 and p.deleted_at is null and p.status = 'published'
        ${withCursor ? 'and p.id < $3' : ''}
      order by p.id desc
      limit $2
    )
    select page.*, u.username, u.display_name,
      coalesce((
        select json_agg(json_build_object(
          'id', m.id::text, 'status', m.status, 'mime_type', m.mime_type, 'width', m.width,
          'height', m.height, 'placeholder', m.placeholder, 'variants', m.variants) order by pm.position)
        from posts.post_media pm join media.media m on m.id = pm.media_id
        where pm.post_id = page.id
      ), '[]'::json) as media,
      (select count(*) from likes.like_dedup l where l.post_id = page.id) as like_count,
      (select count(*) from comments.comment_index c where c.post_id = page.id and c.deleted_at is null)
        as comment_count,
      exists (select 1 from likes.like_dedup l where l.user_id = $1 and l.post_id = page.id) as liked
    from page join users.profiles u on u.user_id = page.author_id
    order by page.id desc`;
}

export const PULL_FIRST_PAGE = pullQuery(false);
const PULL_NEXT_PAGE = pullQuery(true);

export function pullFeedHandler({ pool, mediaBaseUrl }) {
  return async function feed(userId, limit, before) {
    const { rows } =
      before === undefined
        ? await pool.query(PULL_FIRST_PAGE, [userId, limit + 1])
        : await pool.query(PULL_NEXT_PAGE, [userId, limit + 1, before]);
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({
        id: row.id,
        author: { id: row.author_id, username: row.username, displayName: row.display_name, avatar: null },
        caption: row.caption,
        media: row.media.map((m) => presentMedia(m, mediaBaseUrl)),
        status: 'published',
        hashtags: row.hashtags,
        mentions: row.mentions,
        likeCount: Number(row.like_count),
        commentCount: Number(row.comment_count),
        createdAt: row.created_at.toISOString(),
        viewer: { liked: row.liked },
      })),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  };
}
