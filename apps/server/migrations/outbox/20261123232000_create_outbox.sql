-- Events written in the same transaction as the change they describe; the outbox relay
-- publishes them to the event bus and deletes them.
create schema if not exists outbox;

create table outbox.events (
  id bigint primary key,
  topic text not null,
  key text not null,
  payload jsonb not null,
  traceparent text,
  occurred_at timestamptz not null,
  created_at timestamptz not null default now()
);

-- The relay holds back an event while an older one with the same key is still pending
-- (claimed by another relay), so per-key order survives several relays.
create index events_key_id_idx on outbox.events (key, id);
