/**
 * The OpenAPI 3.1 document, generated from the function definitions: the input schemas the functions
 * validate with and the output schemas their handlers answer.
 */
import { z } from 'zod';
import type { AnyFunctionDefinition } from './http/function-definition.ts';

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

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out['$schema'];
  return out;
};

export function openApiDocument(functions: readonly AnyFunctionDefinition[], version: string) {
  const paths: Record<string, unknown> = {};
  for (const f of functions) {
    const schema = f.input ? jsonSchema(f.input, 'input') : { type: 'object' };
    const status = String(f.status ?? (f.output ? 200 : 204));
    const success = f.output
      ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(f.output, 'input') } } }
      : { description: 'Success, no content' };
    const security = f.permission === null ? [] : [{ bearer: [] }, { cookie: [] }];
    const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
    const operation = (method: string) => ({
      operationId: method === 'get' ? `${f.name}-get` : f.name,
      summary: f.summary,
      description: f.permission && f.permission !== 'any' ? `Needs the \`${f.permission}\` permission.` : undefined,
      security,
      ...(method === 'post'
        ? { requestBody: { required: f.input !== null, content: { 'application/json': { schema } } } }
        : { parameters: Object.keys(properties).map((name) => ({ name, in: 'query', schema: properties[name] })) }),
      responses: {
        [status]: success,
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
