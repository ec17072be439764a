import { z } from 'zod';

/**
 * Named schemas become components of the OpenAPI document. Requests are documented by
 * their input type and responses by their output type, hence two registries.
 */
export const requestSchemas = z.registry<{ id: string; description?: string }>();
export const responseSchemas = z.registry<{ id: string; description?: string }>();

export function requestSchema<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  requestSchemas.add(schema, description ? { id, description } : { id });
  return schema;
}

export function responseSchema<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  responseSchemas.add(schema, description ? { id, description } : { id });
  return schema;
}
