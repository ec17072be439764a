import { openSql } from './app/infrastructure.js';
import { DomainError } from './platform/errors.js';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { createLogger } from './platform/logging/logger.js';
import { AccountRoles } from './services/auth/account-roles.js';
import { SqlAccountsRepository } from './services/auth/accounts.repository.js';

const USAGE = 'usage: npm run admin -- grant|revoke <username>';

/**
 * `npm run admin -- grant <username>` (or `revoke`): gives an account the admin role that
 * `GET /api/admin/stats` asks for, on the configured database (DATABASE_URL, else the embedded
 * one under DATA_DIR, which only one process can open: stop `npm start` first), migrated by
 * the server. The account sees the role in its next access token.
 */
const [action, username] = process.argv.slice(2);
if ((action !== 'grant' && action !== 'revoke') || username === undefined) {
  console.error(USAGE);
  process.exit(64); // EX_USAGE
}
try {
  const config = loadConfig();
  const sql = await openSql(config, createLogger({ level: 'warn', role: 'admin' }));
  try {
    await new AccountRoles(new SqlAccountsRepository(sql)).setAdmin(username, action === 'grant');
    console.log(`${username}: admin role ${action === 'grant' ? 'granted' : 'revoked'}`);
  } finally {
    await sql.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof DomainError ? err.message : err);
  process.exitCode = 1;
}
