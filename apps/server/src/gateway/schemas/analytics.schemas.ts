import { z } from 'zod';

import { IdString } from './common.schemas.js';
import { PostRefSchema } from './notifications.schemas.js';
import { requestSchema, responseSchema } from './registry.js';

export const MAX_IMPRESSIONS_PER_BATCH = 100;

export const ImpressionsBody = requestSchema(
  'ImpressionsRequest',
  z.object({
    postIds: z
      .array(IdString)
      .min(1)
      .max(MAX_IMPRESSIONS_PER_BATCH)
      .describe('posts that scrolled into view; counted once per viewer, post and hour'),
  }),
);

export const ImpressionsAcceptedSchema = responseSchema(
  'ImpressionsAccepted',
  z.object({ accepted: z.number().int().min(0) }),
);

export const AnalyticsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
});

const figures = {
  followersGained: z.number().int(),
  followersLost: z.number().int(),
  likes: z.number().int().describe('net: likes minus unlikes'),
  comments: z.number().int().describe('net: comments minus deleted ones'),
  impressions: z.number().int(),
};

export const DailyFiguresSchema = responseSchema(
  'DailyFigures',
  z.object({ date: z.iso.date().describe('UTC day'), ...figures }),
);

export const AnalyticsTotalsSchema = responseSchema('AnalyticsTotals', z.object(figures));

export const TopPostSchema = responseSchema(
  'TopPost',
  z.object({
    post: PostRefSchema,
    likes: z.number().int(),
    comments: z.number().int(),
    impressions: z.number().int(),
  }),
);

export const CreatorAnalyticsSchema = responseSchema(
  'CreatorAnalytics',
  z.object({
    days: z.array(DailyFiguresSchema).describe('oldest first, one per day, days without activity included'),
    totals: AnalyticsTotalsSchema,
    topPosts: z.array(TopPostSchema).max(10),
  }),
);

export const PostAnalyticsSchema = responseSchema(
  'PostAnalytics',
  z.object({
    postId: IdString,
    totals: AnalyticsTotalsSchema.describe('since the post was published'),
    days: z.array(DailyFiguresSchema),
  }),
);

export const AdminStatsSchema = responseSchema(
  'AdminStats',
  z.object({
    users: z.object({ count: z.number().int(), exact: z.boolean() }),
    posts: z.object({ count: z.number().int(), exact: z.boolean() }),
    perMinute: z
      .object({
        likes: z.number(),
        comments: z.number(),
        posts: z.number(),
        follows: z.number(),
        impressions: z.number(),
      })
      .describe('mean of the last 15 complete minutes'),
    fanoutLagSeconds: z.number().nullable().describe('publication to fanout, as last measured'),
    consumerLag: z.array(z.object({ group: z.string(), lag: z.number().int() })),
    measuredAt: z.iso.datetime(),
  }),
);
