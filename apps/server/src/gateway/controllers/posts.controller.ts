import { Body, Controller, Inject, Param, Query } from '@nestjs/common';

import type { PostService } from '../../generated/glimpse/post/v1/post.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { DomainError } from '../../platform/errors.js';
import { CurrentUser, Viewer } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { PostHydrator, type PostDto } from '../presenters/post.hydrator.js';
import { POST_SERVICE, USER_SERVICE } from '../tokens.js';

function first(posts: PostDto[]): PostDto {
  const [post] = posts;
  // Only a post whose author has gone is dropped by hydration: to the caller it does not exist.
  if (!post) throw DomainError.notFound('Post not found');
  return post;
}

@Controller()
export class PostsController {
  constructor(
    @Inject(POST_SERVICE) private readonly posts: PostService,
    @Inject(USER_SERVICE) private readonly users: UserService,
    @Inject(PostHydrator) private readonly hydrator: PostHydrator,
  ) {}

  @Route(routes.createPost)
  async create(@CurrentUser() me: Principal, @Body() body: unknown) {
    const input = parseRequest(routes.createPost.body, body, 'body');
    const post = await this.posts.createPost({ authorId: me.userId, ...input });
    return first(await this.hydrator.hydrate([post], me.userId));
  }

  @Route(routes.getPost)
  async get(@Param() params: unknown, @Viewer() viewer: Principal | undefined) {
    const { id } = parseRequest(routes.getPost.params, params, 'params');
    const post = await this.posts.getPost({ postId: id, viewerId: viewer?.userId });
    return first(await this.hydrator.hydrate([post], viewer?.userId));
  }

  @Route(routes.deletePost)
  async delete(@CurrentUser() me: Principal, @Param() params: unknown): Promise<void> {
    const { id } = parseRequest(routes.deletePost.params, params, 'params');
    await this.posts.deletePost({ postId: id, authorId: me.userId });
  }

  @Route(routes.listUserPosts)
  async listByUser(
    @Param() params: unknown,
    @Query() query: unknown,
    @Viewer() viewer: Principal | undefined,
  ) {
    const { username } = parseRequest(routes.listUserPosts.params, params, 'params');
    const page = parseRequest(routes.listUserPosts.query, query, 'query');
    const author = await this.users.getProfile({ by: { $case: 'username', value: username } });
    const result = await this.posts.listAuthorPosts({
      authorId: author.id,
      limit: page.limit,
      cursor: page.cursor,
      viewerId: viewer?.userId,
    });
    return {
      items: await this.hydrator.hydrate(result.items, viewer?.userId),
      nextCursor: result.nextCursor ?? null,
    };
  }
}
