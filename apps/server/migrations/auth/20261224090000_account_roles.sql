-- Operators' accounts (GET /api/admin/stats). Granted by `npm run admin -- grant <username>`,
-- never by configuration: a role tied to a name could be claimed by whoever registers it first.
alter table auth.accounts add column is_admin boolean not null default false;
