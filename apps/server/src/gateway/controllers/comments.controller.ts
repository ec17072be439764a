import { Body, Controller, Inject, Param, Query } from '@nestjs/common';

import type { Comment, CommentService } from '../../generated/glimpse/comment/v1/comment.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { CurrentUser } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { toUserSummary } from '../presenters/user.presenter.js';
import { COMMENT_SERVICE, USER_SERVICE } from '../tokens.js';

@Controller()
export class CommentsController {
  constructor(
    @Inject(COMMENT_SERVICE) private readonly comments: CommentService,
    @Inject(USER_SERVICE) private readonly users: UserService,
  ) {}

  @Route(routes.listComments)
  async list(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parseRequest(routes.listComments.params, params, 'params');
    const page = parseRequest(routes.listComments.query, query, 'query');
    const result = await this.comments.listComments({ postId: id, limit: page.limit, cursor: page.cursor });
    return { items: await this.present(result.items), nextCursor: result.nextCursor ?? null };
  }

  @Route(routes.createComment)
  async create(@CurrentUser() me: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { id } = parseRequest(routes.createComment.params, params, 'params');
    const input = parseRequest(routes.createComment.body, body, 'body');
    const result = await this.comments.createComment({ postId: id, authorId: me.userId, body: input.body });
    const [comment] = result.comment ? await this.present([result.comment]) : [];
    return { comment, commentCount: Number(result.commentCount) };
  }

  @Route(routes.deleteComment)
  async delete(@CurrentUser() me: Principal, @Param() params: unknown): Promise<void> {
    const { id } = parseRequest(routes.deleteComment.params, params, 'params');
    await this.comments.deleteComment({ commentId: id, userId: me.userId });
  }

  /** One call for every author on the page; comments of vanished accounts are left out. */
  private async present(comments: readonly Comment[]) {
    if (comments.length === 0) return [];
    const { items } = await this.users.getSummaries({
      userIds: [...new Set(comments.map((c) => c.authorId))],
    });
    const authors = new Map(items.map((summary) => [summary.id, summary]));
    return comments.flatMap((comment) => {
      const author = authors.get(comment.authorId);
      if (!author) return [];
      return [
        {
          id: comment.id,
          postId: comment.postId,
          author: toUserSummary(author),
          body: comment.body,
          createdAt: comment.createdAt,
        },
      ];
    });
  }
}
