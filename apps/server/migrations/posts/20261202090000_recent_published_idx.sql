-- Recently published posts of anyone, newest publication first: the candidates Explore ranks
-- (ListRecentPublished). Partial on exactly that query's filter, so the index holds only what
-- can be shown and the scan stops at `since`; ordered like the query, so nothing is sorted.
-- published_at, not id: a post published minutes after it was created (its photos processing)
-- is recent from its publication on.
create index posts_recent_published_idx on posts.posts (published_at desc, id desc)
  where deleted_at is null and status = 'published';
