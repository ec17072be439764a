import { Body, Controller, Inject, Param, Query } from '@nestjs/common';

import type { AuthService } from '../../generated/glimpse/auth/v1/auth.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { CurrentUser, Viewer } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { toMe, toSummaryPage, toUser } from '../presenters/user.presenter.js';
import { AUTH_SERVICE, USER_SERVICE } from '../tokens.js';

@Controller()
export class UsersController {
  constructor(
    @Inject(USER_SERVICE) private readonly users: UserService,
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
  ) {}

  @Route(routes.getMe)
  async getMe(@CurrentUser() me: Principal) {
    const [profile, account] = await Promise.all([
      this.users.getProfile({ by: { $case: 'userId', value: me.userId } }),
      this.auth.getAccount({ userId: me.userId }),
    ]);
    return toMe(profile, account);
  }

  @Route(routes.updateMe)
  async updateMe(@CurrentUser() me: Principal, @Body() body: unknown) {
    const input = parseRequest(routes.updateMe.body, body, 'body');
    const profile = await this.users.updateProfile({
      userId: me.userId,
      displayName: input.displayName,
      bio: input.bio,
      avatarMediaId: input.avatarMediaId ?? undefined,
      clearAvatar: input.avatarMediaId === null,
    });
    return toUser(profile);
  }

  @Route(routes.searchUsers)
  async search(@Query() query: unknown) {
    const input = parseRequest(routes.searchUsers.query, query, 'query');
    return toSummaryPage(await this.users.searchUsers(input));
  }

  @Route(routes.getUser)
  async getUser(@Param() params: unknown, @Viewer() viewer: Principal | undefined) {
    const { username } = parseRequest(routes.getUser.params, params, 'params');
    const profile = await this.users.getProfile({
      by: { $case: 'username', value: username },
      viewerId: viewer?.userId,
    });
    return toUser(profile);
  }
}
