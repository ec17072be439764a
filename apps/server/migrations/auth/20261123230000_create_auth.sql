create schema if not exists auth;

-- Credentials only; the public profile lives in users.profiles (owned by the user service).
create table auth.accounts (
  user_id bigint primary key,
  username text not null,
  email text not null,
  -- argon2id in PHC string form (algorithm, parameters, salt, digest).
  password_hash text not null,
  created_at timestamptz not null default now()
);

-- Both are stored lowercased; the indexes on lower() keep uniqueness case-insensitive even so.
create unique index accounts_username_key on auth.accounts (lower(username));
create unique index accounts_email_key on auth.accounts (lower(email));

-- Rotating refresh tokens. Every login opens a family; each refresh spends one token and adds
-- its successor to the family; presenting a spent token revokes the whole family.
create table auth.refresh_tokens (
  id bigint primary key,
  user_id bigint not null references auth.accounts (user_id) on delete cascade,
  family_id bigint not null,
  -- Hex SHA-256 of the token: a leaked table cannot be replayed.
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);

create index refresh_tokens_family_idx on auth.refresh_tokens (family_id);
create index refresh_tokens_user_idx on auth.refresh_tokens (user_id);
