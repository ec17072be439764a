import { z } from 'zod';

import { IdString, pageOf } from './common.schemas.js';
import { MediaSchema } from './media.schemas.js';
import { requestSchema, responseSchema } from './registry.js';

export const UserSummarySchema = responseSchema(
  'UserSummary',
  z.object({
    id: IdString,
    username: z.string(),
    displayName: z.string(),
    avatar: MediaSchema.nullable(),
  }),
);

export const ViewerRelationSchema = z.object({ following: z.boolean(), followedBy: z.boolean() });

export const UserSchema = responseSchema(
  'User',
  UserSummarySchema.extend({
    bio: z.string(),
    followerCount: z.number().int(),
    followingCount: z.number().int(),
    postCount: z.number().int(),
    createdAt: z.iso.datetime(),
    viewer: ViewerRelationSchema.nullable().describe('null when not signed in or looking at oneself'),
  }),
);

export const MeSchema = responseSchema('Me', UserSchema.extend({ email: z.string() }));

export const UserSummaryPageSchema = responseSchema('UserSummaryPage', pageOf(UserSummarySchema));

export const UpdateProfileBody = requestSchema(
  'UpdateProfileRequest',
  z.object({
    displayName: z.string().trim().min(1).max(64).optional(),
    bio: z.string().max(150).optional(),
    avatarMediaId: IdString.nullable().optional().describe('null removes the avatar'),
  }),
);

export const SearchUsersQuery = z.object({
  query: z.string().max(64).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(512).optional(),
});

export const FollowResultSchema = responseSchema(
  'FollowResult',
  z.object({ following: z.boolean(), followerCount: z.number().int() }),
);
