create schema if not exists media;

-- One row per uploaded photo. Distributed by owner_id. The status column follows the state
-- machine in src/services/media/media.state.ts; every change is a compare-and-set on it.
create table media.media (
  id bigint primary key,
  owner_id bigint not null,
  status text not null
    constraint media_status_check
    check (status in ('pending', 'uploaded', 'processing', 'ready', 'failed')),
  -- Declared by the uploader until processing decides it from the bytes.
  mime_type text not null,
  -- Declared size while pending; the stored original's size once uploaded.
  bytes bigint not null,
  width integer,
  height integer,
  placeholder text,
  -- [{name, width, height, format, bytes, key}], written once when ready.
  variants jsonb not null default '[]',
  failure_reason text,
  -- Processing attempts, so a file that keeps crashing the worker is failed, not retried forever.
  attempts integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index media_owner_idx on media.media (owner_id, id desc);
