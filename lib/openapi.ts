/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the functions validate with.
 */
import { z } from 'zod';
import type { FunctionDefinition } from '../functions/index.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

export function openApiDocument(functions: readonly FunctionDefinition[], version: string) {
  const paths: Record<string, unknown> = {};
  for (const f of functions) {
    const schema = f.input ? z.toJSONSchema(f.input, { io: 'input', unrepresentable: 'any' }) : { type: 'object' };
    delete (schema as Record<string, unknown>)['$schema'];
    const security = f.permission === null ? [] : [{ bearer: [] }, { cookie: [] }];
    const operation = (method: string) => ({
      operationId: method === 'get' ? `${f.name}-get` : f.name,
      summary: f.summary,
      description: f.permission && f.permission !== 'any' ? `Needs the \`${f.permission}\` permission.` : undefined,
      security,
      ...(method === 'post'
        ? { requestBody: { required: f.input !== null, content: { 'application/json': { schema } } } }
        : { parameters: Object.keys((schema as { properties?: object }).properties ?? {}).map((name) => ({ name, in: 'query', schema: (schema as { properties: Record<string, unknown> }).properties[name] })) }),
      responses: {
        '2XX': { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
        default: { description: 'Error (see the contract for codes)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    });
    paths[`/function/${f.name}`] = f.readOnly ? { get: operation('get'), post: operation('post') } : { post: operation('post') };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Swarm dashboard API', version },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'session' },
      },
    },
  };
}
