import { z } from 'zod';

import type { RawBodyType, RouteSpec } from '../http/route-spec.js';
import { requestSchemas, responseSchemas } from '../schemas/registry.js';

type JsonObject = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';

/** `/api/users/:username` -> `/api/users/{username}` */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Inline JSON Schema for a schema, with named schemas referenced as components. */
function schemaRef(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const registry = io === 'input' ? requestSchemas : responseSchemas;
  const id = registry.get(schema)?.id;
  if (id) return { $ref: `${COMPONENT_PREFIX}${id}` };
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  delete json.$schema;
  return json;
}

function components(): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const [registry, io] of [
    [requestSchemas, 'input'],
    [responseSchemas, 'output'],
  ] as const) {
    const { schemas } = z.toJSONSchema(registry, {
      io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
      uri: (id) => `${COMPONENT_PREFIX}${id}`,
    });
    for (const [id, schema] of Object.entries(schemas)) {
      const json = { ...(schema as JsonObject) };
      delete json.$schema;
      delete json.id;
      delete json.$id;
      out[id] = json;
    }
  }
  return out;
}

function parameters(spec: RouteSpec): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [location, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, JsonObject>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

const problemResponse = (description: string): JsonObject => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: `${COMPONENT_PREFIX}Problem` } } },
});

function responses(spec: RouteSpec): JsonObject {
  const out: JsonObject = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const code = Number(status);
    if (code >= 400) {
      out[status] = problemResponse(response.description);
    } else if (response.schema) {
      out[status] = {
        description: response.description,
        content: { 'application/json': { schema: schemaRef(response.schema, 'output') } },
      };
    } else if (response.contentType) {
      out[status] = {
        description: response.description,
        content: { [response.contentType]: { schema: { type: 'string' } } },
      };
    } else {
      out[status] = { description: response.description };
    }
  }
  // Answers every route can give, documented once here rather than on each spec.
  const common: Record<string, string> = {
    '400': 'Malformed request',
    '422': 'Invalid request (see errors[])',
    '429': 'Rate limited (see Retry-After and RateLimit-* headers)',
    '503': 'A dependency is down and no fallback exists',
  };
  if (spec.auth !== 'none') common['401'] = 'Missing, invalid or expired token';
  if (spec.auth === 'admin') common['403'] = 'Not an operator (the token lacks the admin role)';
  if (spec.body || spec.rawBody) {
    common['413'] = 'Body too large';
    common['415'] = 'Unsupported content type';
  }
  if (spec.method !== 'GET') common['409'] = 'Same Idempotency-Key while the first request is in flight';
  for (const [status, description] of Object.entries(common)) {
    out[status] ??= problemResponse(description);
  }
  return out;
}

const BINARY = { type: 'string', format: 'binary' } as const;

/** Streamed bodies: a form with one binary `file` field, or the file itself as the body. */
function rawBodyContent(types: readonly RawBodyType[]): JsonObject {
  const content: JsonObject = {};
  for (const type of types) {
    content[type] =
      type === 'multipart/form-data'
        ? {
            schema: {
              type: 'object',
              properties: { file: { ...BINARY, description: 'the photo' } },
              required: ['file'],
            },
          }
        : { schema: BINARY };
  }
  return content;
}

export function buildOpenApiDocument(routes: readonly RouteSpec[], info: { version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const spec of routes) {
    const operation: JsonObject = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      responses: responses(spec),
    };
    if (spec.method !== 'GET') {
      (operation.parameters as JsonObject[]).push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Makes the request safe to retry: a repeat within 24 h replays the first response.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaRef(spec.body, 'input') } },
      };
    } else if (spec.rawBody) {
      operation.requestBody = { required: true, content: rawBodyContent(spec.rawBody) };
    }
    if (spec.auth !== 'none') {
      operation.security = spec.auth === 'optional' ? [{ bearer: [] }, {}] : [{ bearer: [] }];
    }
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    paths[path][spec.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Glimpse API',
      version: info.version,
      description:
        'Photo sharing: accounts, profiles, follows, media, posts, feeds, likes, comments, notifications.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'auth', description: 'Sign up, sign in, tokens' },
      { name: 'users', description: 'Profiles and search' },
      { name: 'follows', description: 'The follow graph' },
      { name: 'media', description: 'Photo uploads and their processing' },
      { name: 'posts', description: 'Posts of photos' },
      { name: 'feed', description: 'Home feed and Explore' },
      { name: 'likes', description: 'Likes' },
      { name: 'comments', description: 'Comments' },
      { name: 'notifications', description: 'Grouped notifications, live over Server-Sent Events' },
      { name: 'analytics', description: 'Reach of your posts, and operators’ figures' },
    ],
    paths,
    components: {
      schemas: components(),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
