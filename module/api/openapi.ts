import { z } from 'zod';
import type { ApiRoute } from './api-routes';
import { ListQuery, Problem } from './api-schemas';
import { API_BASE } from './api-router';
import { API_SCOPES } from './scopes';

type Json = Record<string, unknown>;

/** A zod schema as OpenAPI 3.1's JSON Schema (draft 2020-12), inline: a document without references to follow. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', reused: 'inline' });
  return rest;
}

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/**
 * The OpenAPI 3.1 document of the API, made from the routes and the very zod schemas the router
 * validates with: a route cannot be served without being described, nor described otherwise.
 */
export function openApiDocument(routes: ApiRoute[], version: string, serverUrl: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const collect = schemaOf;
  const components: Record<string, Json> = { Problem: schemaOf(Problem, 'output') };
  for (const route of routes) {
    const parameters: Json[] = [];
    if (route.path.includes('{id}')) parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } });
    if (route.list) {
      for (const [name, field] of Object.entries(ListQuery.shape)) parameters.push({ name, in: 'query', required: false, schema: collect(field, 'input') });
    }
    if (route.method === 'post') parameters.push({ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 128 } });
    const operation: Json = {
      operationId: `${route.method}${route.path.replace(/\{id\}/g, 'ById').replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      security: [{ bearer: [route.scope] }],
      'x-scope': route.scope,
      parameters,
      responses: {
        [String(route.status)]: { description: 'OK', content: { 'application/json': { schema: collect(route.response, 'output') } } },
        '400': problemResponse('The input is not valid: `errors` lists each field'),
        '401': problemResponse('No key, or an unknown, expired or revoked one'),
        '403': problemResponse('The key lacks the scope'),
        '404': problemResponse('No such object'),
        '429': problemResponse('Too many requests for this key: see Retry-After'),
        ...(route.method === 'post'
          ? {
              '409': problemResponse('A state that forbids the write, or the same Idempotency-Key in progress'),
              '422': problemResponse('Refused by the rules, or the Idempotency-Key was used for another body'),
            }
          : {}),
      },
    };
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: collect(route.body, 'input') } } };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Agent Tools API', version, description: 'See docs/api.md for authentication, scopes, pagination, idempotency and errors.' },
    servers: [{ url: serverUrl + API_BASE }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `API key with scopes: ${API_SCOPES.join(', ')}` } },
    },
  };
}
