import { describe, expect, it } from 'vitest';

import { allRoutes } from '../http/routes.js';
import { buildOpenApiDocument } from './openapi.document.js';

type Json = Record<string, any>;

const doc = JSON.parse(JSON.stringify(buildOpenApiDocument(allRoutes, { version: 'test' }))) as Json;

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, out));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') out.push(inner);
      else refsIn(inner, out);
    }
  }
  return out;
}

describe('OpenAPI document: media and posts', () => {
  it('documents every media and post route', () => {
    expect(Object.keys(doc.paths['/api/media'])).toEqual(['post']);
    expect(doc.paths['/api/media/uploads'].post.operationId).toBe('createUpload');
    expect(doc.paths['/api/media/{id}/content'].put.operationId).toBe('putMediaContent');
    expect(doc.paths['/api/media/{id}/complete'].post.operationId).toBe('completeUpload');
    expect(doc.paths['/api/media/{id}'].get.operationId).toBe('getMedia');
    expect(doc.paths['/api/posts'].post.operationId).toBe('createPost');
    expect(Object.keys(doc.paths['/api/posts/{id}']).sort()).toEqual(['delete', 'get']);
    expect(doc.paths['/api/users/{username}/posts'].get.operationId).toBe('listUserPosts');
    // The media files are not part of the API.
    expect(Object.keys(doc.paths).filter((path) => !path.startsWith('/api/'))).toEqual([]);
  });

  it('describes the one-request upload as a multipart form with a binary file, or a raw image', () => {
    const upload = doc.paths['/api/media'].post;
    expect(upload.requestBody).toEqual({
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { file: { type: 'string', format: 'binary', description: 'the photo' } },
            required: ['file'],
          },
        },
        'image/*': { schema: { type: 'string', format: 'binary' } },
      },
    });
    expect(upload.responses['202'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Media',
    });
    for (const status of ['401', '413', '415', '429']) {
      expect(upload.responses[status].content).toHaveProperty(['application/problem+json']);
    }
    expect(upload.security).toEqual([{ bearer: [] }]);
    expect(upload.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    );
  });

  it('describes the direct-upload content target as a raw image body', () => {
    const put = doc.paths['/api/media/{id}/content'].put;
    expect(Object.keys(put.requestBody.content)).toEqual(['image/*']);
    expect(put.responses['204'].description).toBeTruthy();
    expect(put.parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    );
  });

  it('has JSON bodies and named shapes for the rest', () => {
    expect(doc.paths['/api/media/uploads'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreateUploadRequest',
    });
    expect(doc.paths['/api/posts'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatePostRequest',
    });
    const { schemas } = doc.components;
    expect(schemas.Media.properties.status.enum).toEqual(['pending', 'processing', 'ready', 'failed']);
    expect(schemas.Post.properties.status.enum).toEqual(['pending', 'published', 'failed']);
    expect(Object.keys(schemas.Post.properties)).toEqual(
      expect.arrayContaining([
        'id',
        'author',
        'caption',
        'media',
        'status',
        'hashtags',
        'mentions',
        'likeCount',
        'commentCount',
        'createdAt',
        'viewer',
      ]),
    );
    expect(schemas.PostPage.properties.items.items).toEqual({ $ref: '#/components/schemas/Post' });
    expect(schemas.DirectUpload.properties.upload.properties.method).toMatchObject({ const: 'PUT' });
    expect(schemas.CreatePostRequest.properties.mediaIds).toMatchObject({ minItems: 1, maxItems: 10 });
    expect(doc.tags.map((tag: Json) => tag.name)).toEqual(expect.arrayContaining(['media', 'posts']));
  });

  it('refers only to components it has', () => {
    const names = new Set(Object.keys(doc.components.schemas).map((name) => `#/components/schemas/${name}`));
    expect(refsIn(doc.paths).filter((ref) => !names.has(ref))).toEqual([]);
    expect(refsIn(doc.components).filter((ref) => !names.has(ref))).toEqual([]);
  });
});
