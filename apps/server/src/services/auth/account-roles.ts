import { DomainError } from '../../platform/errors.js';
import { normalizeUsername } from '../user/user.rules.js';
import type { AccountsRepository } from './accounts.repository.js';

/**
 * Operators' tooling, not the public API: grants or withdraws the admin role that
 * `GET /api/admin/stats` asks for. The role is read at every token signing, so it shows in the
 * account's next access token, at the latest one access-token lifetime later (its refresh).
 */
export class AccountRoles {
  constructor(private readonly accounts: Pick<AccountsRepository, 'setAdmin'>) {}

  async setAdmin(username: string, admin: boolean): Promise<void> {
    if (!(await this.accounts.setAdmin(normalizeUsername(username), admin))) {
      throw DomainError.notFound(`No account is named ${username}`);
    }
  }
}
