import { z } from 'zod';

import { IdString, pageOf } from './common.schemas.js';
import { requestSchema, responseSchema } from './registry.js';
import { UserSummarySchema } from './users.schemas.js';

export const CommentIdParam = z.object({ id: IdString });

export const LikeStateSchema = responseSchema(
  'LikeState',
  z.object({
    liked: z.boolean(),
    likeCount: z.number().int().describe('eventually consistent; never counts one person twice'),
  }),
);

export const CreateCommentBody = requestSchema(
  'CreateCommentRequest',
  z.object({
    body: z.string().min(1).describe('1 to 2200 characters (an emoji counts as one), kept exactly'),
  }),
);

export const CommentSchema = responseSchema(
  'Comment',
  z.object({
    id: IdString,
    postId: IdString,
    author: UserSummarySchema,
    body: z.string(),
    createdAt: z.iso.datetime(),
  }),
);

export const CommentResultSchema = responseSchema(
  'CommentResult',
  z.object({ comment: CommentSchema, commentCount: z.number().int() }),
);

export const CommentPageSchema = responseSchema('CommentPage', pageOf(CommentSchema));
