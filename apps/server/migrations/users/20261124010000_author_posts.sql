-- The posts each author has published, as the user service learned them from post.published
-- and post.deleted. It is what makes those events idempotent for profiles.post_count: a post
-- is counted when its row is inserted and uncounted when the row is first marked deleted, so
-- a redelivered event (even a post.published redelivered after its post.deleted) counts nothing.
create table users.author_posts (
  author_id bigint not null,
  post_id bigint not null,
  deleted boolean not null default false,
  primary key (author_id, post_id)
);
