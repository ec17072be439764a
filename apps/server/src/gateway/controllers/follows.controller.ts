import { Controller, Inject, Param, Query } from '@nestjs/common';

import type { FollowResult, UserService } from '../../generated/glimpse/user/v1/user.js';
import { CurrentUser } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { toSummaryPage } from '../presenters/user.presenter.js';
import { USER_SERVICE } from '../tokens.js';

function toFollowResult(result: FollowResult) {
  return { following: result.following, followerCount: Number(result.followerCount) };
}

@Controller()
export class FollowsController {
  constructor(@Inject(USER_SERVICE) private readonly users: UserService) {}

  @Route(routes.follow)
  async follow(@CurrentUser() me: Principal, @Param() params: unknown) {
    const { username } = parseRequest(routes.follow.params, params, 'params');
    return toFollowResult(await this.users.follow({ followerId: me.userId, followeeUsername: username }));
  }

  @Route(routes.unfollow)
  async unfollow(@CurrentUser() me: Principal, @Param() params: unknown) {
    const { username } = parseRequest(routes.unfollow.params, params, 'params');
    return toFollowResult(await this.users.unfollow({ followerId: me.userId, followeeUsername: username }));
  }

  @Route(routes.listFollowers)
  async followers(@Param() params: unknown, @Query() query: unknown) {
    const { username } = parseRequest(routes.listFollowers.params, params, 'params');
    const page = parseRequest(routes.listFollowers.query, query, 'query');
    return toSummaryPage(await this.users.listFollowers({ username, ...page }));
  }

  @Route(routes.listFollowing)
  async following(@Param() params: unknown, @Query() query: unknown) {
    const { username } = parseRequest(routes.listFollowing.params, params, 'params');
    const page = parseRequest(routes.listFollowing.query, query, 'query');
    return toSummaryPage(await this.users.listFollowing({ username, ...page }));
  }
}
