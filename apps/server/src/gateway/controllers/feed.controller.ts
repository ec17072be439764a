import { Controller, Inject, Query } from '@nestjs/common';

import type { FeedPage, FeedService } from '../../generated/glimpse/feed/v1/feed.js';
import { CurrentUser, Viewer } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { PostHydrator } from '../presenters/post.hydrator.js';
import { FEED_SERVICE } from '../tokens.js';

@Controller()
export class FeedController {
  constructor(
    @Inject(FEED_SERVICE) private readonly feed: FeedService,
    @Inject(PostHydrator) private readonly hydrator: PostHydrator,
  ) {}

  @Route(routes.getFeed)
  async home(@CurrentUser() me: Principal, @Query() query: unknown) {
    const page = parseRequest(routes.getFeed.query, query, 'query');
    return this.present(
      await this.feed.getFeed({ userId: me.userId, limit: page.limit, cursor: page.cursor }),
      me.userId,
    );
  }

  @Route(routes.getExplore)
  async explore(@Viewer() viewer: Principal | undefined, @Query() query: unknown) {
    const page = parseRequest(routes.getExplore.query, query, 'query');
    const result = await this.feed.getExplore({
      viewerId: viewer?.userId,
      limit: page.limit,
      cursor: page.cursor,
    });
    return this.present(result, viewer?.userId);
  }

  private async present(page: FeedPage, viewerId: string | undefined) {
    return { items: await this.hydrator.hydrate(page.posts, viewerId), nextCursor: page.nextCursor ?? null };
  }
}
