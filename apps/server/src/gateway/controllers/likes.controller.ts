import { Controller, Inject, Param, Query } from '@nestjs/common';

import type { LikeService, LikeState } from '../../generated/glimpse/like/v1/like.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { CurrentUser } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { toUserSummary } from '../presenters/user.presenter.js';
import { LIKE_SERVICE, USER_SERVICE } from '../tokens.js';

function toLikeState(state: LikeState) {
  return { liked: state.liked, likeCount: Number(state.likeCount) };
}

@Controller()
export class LikesController {
  constructor(
    @Inject(LIKE_SERVICE) private readonly likes: LikeService,
    @Inject(USER_SERVICE) private readonly users: UserService,
  ) {}

  @Route(routes.likePost)
  async like(@CurrentUser() me: Principal, @Param() params: unknown) {
    const { id } = parseRequest(routes.likePost.params, params, 'params');
    return toLikeState(await this.likes.like({ userId: me.userId, postId: id }));
  }

  @Route(routes.unlikePost)
  async unlike(@CurrentUser() me: Principal, @Param() params: unknown) {
    const { id } = parseRequest(routes.unlikePost.params, params, 'params');
    return toLikeState(await this.likes.unlike({ userId: me.userId, postId: id }));
  }

  @Route(routes.listLikers)
  async likers(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parseRequest(routes.listLikers.params, params, 'params');
    const page = parseRequest(routes.listLikers.query, query, 'query');
    const result = await this.likes.listLikers({ postId: id, limit: page.limit, cursor: page.cursor });
    const { items } = await this.users.getSummaries({ userIds: result.userIds });
    return { items: items.map(toUserSummary), nextCursor: result.nextCursor ?? null };
  }
}
