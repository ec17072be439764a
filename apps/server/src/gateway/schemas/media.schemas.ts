import { z } from 'zod';

import { IdString } from './common.schemas.js';
import { requestSchema, responseSchema } from './registry.js';

export const MediaVariantSchema = z.object({
  name: z.string().describe('thumb, small, medium, large, large-jpeg'),
  width: z.number().int(),
  height: z.number().int(),
  format: z.string().describe('webp or jpeg'),
  bytes: z.number().int(),
  url: z.string(),
});

export const MediaSchema = responseSchema(
  'Media',
  z.object({
    id: IdString,
    status: z
      .enum(['pending', 'processing', 'ready', 'failed'])
      .describe('pending: waiting for its bytes; processing: received, variants being made'),
    mimeType: z.string().describe('of the original, decided from its bytes once uploaded'),
    width: z.number().int().nullable().describe('null until ready'),
    height: z.number().int().nullable().describe('null until ready'),
    placeholder: z.string().nullable().describe('ThumbHash (base64) to show while the image loads'),
    variants: z.array(MediaVariantSchema),
    failureReason: z.string().optional().describe('only when failed'),
  }),
);

export const MediaIdParam = z.object({ id: IdString });

export const CreateUploadBody = requestSchema(
  'CreateUploadRequest',
  z.object({
    contentType: z.string().min(1).max(100).describe('the image type, e.g. image/jpeg'),
    bytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('the exact size of the file'),
  }),
);

export const DirectUploadSchema = responseSchema(
  'DirectUpload',
  z.object({
    media: MediaSchema,
    upload: z
      .object({
        url: z.string().describe('absolute (object storage) or relative to this API (its own content URL)'),
        method: z.literal('PUT'),
        headers: z.record(z.string(), z.string()).describe('send these as they are, and nothing else'),
        expiresAt: z.iso.datetime(),
      })
      .describe(
        'Where to PUT the file. Then call POST /api/media/{id}/complete. A relative URL is this server: send your bearer token with it.',
      ),
  }),
);
