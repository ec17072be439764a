import { z } from 'zod';

import { IdString, pageOf } from './common.schemas.js';
import { MediaSchema } from './media.schemas.js';
import { requestSchema, responseSchema } from './registry.js';
import { UserSummarySchema } from './users.schemas.js';

export const PostIdParam = z.object({ id: IdString });

export const CreatePostBody = requestSchema(
  'CreatePostRequest',
  z.object({
    caption: z
      .string()
      .default('')
      .describe('at most 2200 characters (an emoji counts as one); #hashtags and @mentions are picked out'),
    mediaIds: z
      .array(IdString)
      .min(1)
      .max(10)
      .refine((ids) => new Set(ids).size === ids.length, 'must not name a media twice')
      .describe('your uploaded media, in the order to show them'),
  }),
);

export const PostSchema = responseSchema(
  'Post',
  z.object({
    id: IdString,
    author: UserSummarySchema,
    caption: z.string(),
    media: z.array(MediaSchema),
    status: z
      .enum(['pending', 'published', 'failed'])
      .describe('pending until every photo is ready; only the author ever sees pending or failed posts'),
    failureReason: z.string().optional().describe('only on a failed post'),
    hashtags: z.array(z.string()).describe('lowercased, without #, in order of first appearance'),
    mentions: z.array(z.string()).describe('lowercased usernames, without @'),
    likeCount: z.number().int(),
    commentCount: z.number().int(),
    createdAt: z.iso.datetime(),
    viewer: z.object({ liked: z.boolean() }).nullable().describe('null when not signed in'),
  }),
);

export const PostPageSchema = responseSchema('PostPage', pageOf(PostSchema));
