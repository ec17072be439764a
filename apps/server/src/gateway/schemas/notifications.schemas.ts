import { z } from 'zod';

import { IdString, pageOf } from './common.schemas.js';
import { requestSchema, responseSchema } from './registry.js';
import { UserSummarySchema } from './users.schemas.js';

/** A post as notifications and analytics show it: enough for a thumbnail and a link. */
export const PostRefSchema = responseSchema(
  'PostRef',
  z.object({
    id: IdString,
    thumbnailUrl: z.string().nullable().describe('the first photo’s square thumbnail'),
  }),
);

export const NotificationSchema = responseSchema(
  'Notification',
  z.object({
    id: IdString,
    type: z.enum(['like', 'comment', 'follow']),
    actors: z.array(UserSummarySchema).max(3).describe('newest first'),
    actorCount: z.number().int().min(1),
    post: PostRefSchema.nullable(),
    comment: z.object({ id: IdString, body: z.string() }).nullable(),
    createdAt: z.iso.datetime().describe('the newest activity'),
    read: z.boolean(),
  }),
  'Likes of one post, and follows, are grouped while unread (one notification, its newest actors and their count); a comment is one notification.',
);

export const NotificationPageSchema = responseSchema('NotificationPage', pageOf(NotificationSchema));

export const UnreadCountSchema = responseSchema('UnreadCount', z.object({ count: z.number().int().min(0) }));

export const MarkReadBody = requestSchema(
  'MarkReadRequest',
  z.object({
    upTo: IdString.optional().describe(
      'a notification id: marks it and everything older read; unset marks everything read',
    ),
  }),
);

export const NotificationStreamQuery = z.object({
  access_token: z
    .string()
    .max(4096)
    .optional()
    .describe('EventSource cannot send headers: the access token may come here instead'),
  lastEventId: z
    .string()
    .regex(/^[0-9]{1,20}$/)
    .optional()
    .describe(
      'resume after this event id, for a client that opens a new EventSource (with a fresh token) rather than letting the browser reconnect; the Last-Event-ID header wins',
    ),
});
