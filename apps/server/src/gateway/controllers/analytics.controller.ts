import { Body, Controller, Inject, Param, Query } from '@nestjs/common';

import type {
  AnalyticsService,
  DailyFigures,
  Totals,
} from '../../generated/glimpse/analytics/v1/analytics.js';
import type { PostService } from '../../generated/glimpse/post/v1/post.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { CurrentUser } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { PostRefPresenter } from '../presenters/post-ref.presenter.js';
import { ANALYTICS_SERVICE, POST_SERVICE, USER_SERVICE } from '../tokens.js';

function toTotals(totals: Totals | undefined) {
  return {
    followersGained: Number(totals?.followersGained ?? 0),
    followersLost: Number(totals?.followersLost ?? 0),
    likes: Number(totals?.likes ?? 0),
    comments: Number(totals?.comments ?? 0),
    impressions: Number(totals?.impressions ?? 0),
  };
}

function toDay(day: DailyFigures) {
  return { date: day.date, ...toTotals(day) };
}

@Controller()
export class AnalyticsController {
  constructor(
    @Inject(ANALYTICS_SERVICE) private readonly analytics: AnalyticsService,
    @Inject(USER_SERVICE) private readonly users: UserService,
    @Inject(POST_SERVICE) private readonly posts: PostService,
    @Inject(PostRefPresenter) private readonly postRefs: PostRefPresenter,
  ) {}

  @Route(routes.recordImpressions)
  async impressions(@CurrentUser() me: Principal, @Body() body: unknown) {
    const { postIds } = parseRequest(routes.recordImpressions.body, body, 'body');
    const { accepted } = await this.analytics.recordImpressions({ viewerId: me.userId, postIds });
    return { accepted };
  }

  @Route(routes.myAnalytics)
  async mine(@CurrentUser() me: Principal, @Query() query: unknown) {
    const { days } = parseRequest(routes.myAnalytics.query, query, 'query');
    const result = await this.analytics.getCreatorAnalytics({ userId: me.userId, days });
    const refs = await this.postRefs.present(
      result.topPosts.map((post) => post.postId),
      me.userId,
    );
    return {
      days: result.days.map(toDay),
      totals: toTotals(result.totals),
      // A post deleted since the figures were rolled up is no longer a top post.
      topPosts: result.topPosts.flatMap((figures) => {
        const post = refs.get(figures.postId);
        if (!post) return [];
        return [
          {
            post,
            likes: Number(figures.likes),
            comments: Number(figures.comments),
            impressions: Number(figures.impressions),
          },
        ];
      }),
    };
  }

  @Route(routes.postAnalytics)
  async post(@CurrentUser() me: Principal, @Param() params: unknown, @Query() query: unknown) {
    const { id } = parseRequest(routes.postAnalytics.params, params, 'params');
    const { days } = parseRequest(routes.postAnalytics.query, query, 'query');
    const result = await this.analytics.getPostAnalytics({ postId: id, requesterId: me.userId, days });
    return { postId: result.postId, totals: toTotals(result.totals), days: result.days.map(toDay) };
  }

  @Route(routes.adminStats)
  async admin() {
    const [users, posts, system] = await Promise.all([
      this.users.countUsers({}),
      this.posts.countPosts({}),
      this.analytics.getSystemStats({}),
    ]);
    return {
      users: { count: Number(users.count), exact: users.exact },
      posts: { count: Number(posts.count), exact: posts.exact },
      perMinute: {
        likes: system.likesPerMinute,
        comments: system.commentsPerMinute,
        posts: system.postsPerMinute,
        follows: system.followsPerMinute,
        impressions: system.impressionsPerMinute,
      },
      fanoutLagSeconds: system.fanoutLagSeconds ?? null,
      consumerLag: system.consumerLag.map((lag) => ({ group: lag.group, lag: Number(lag.lag) })),
      measuredAt: system.measuredAt,
    };
  }
}
