/**
 * Input validation as middleware. A function's input is the JSON body of a POST (whatever its
 * Content-Type, since `faas-cli invoke` sends text/plain) or the query of a GET. Every failure is a
 * 400 `validation_failed` whose details name each bad field.
 */
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { AppError } from '../errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export type InputEnv<T> = { Variables: { input: T } };

export interface FieldProblem {
  field: string;
  message: string;
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

async function readBody(request: Request): Promise<unknown> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new AppError('validation_failed', `Body larger than ${MAX_BODY_BYTES} bytes`);
  const buffer = await request.arrayBuffer();
  if (buffer.byteLength > MAX_BODY_BYTES) throw new AppError('validation_failed', `Body larger than ${MAX_BODY_BYTES} bytes`);
  const text = new TextDecoder().decode(buffer).trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', 'Body is not valid JSON', { details: [{ field: '(body)', message: 'invalid JSON' }] });
  }
}

function readQuery(url: string): Record<string, string> {
  const params = new URL(url).searchParams;
  const out: Record<string, string> = {};
  for (const [key, value] of params) out[key] = value;
  return out;
}

/** Validates the input against `schema` and sets `input`. */
export function input<S extends z.ZodType>(schema: S) {
  return createMiddleware<InputEnv<z.output<S>>>(async (c, next) => {
    const raw = c.req.method === 'GET' ? (c.req.url.includes('?') ? readQuery(c.req.url) : {}) : await readBody(c.req.raw);
    const result = schema.safeParse(raw);
    if (!result.success) {
      throw new AppError('validation_failed', 'Invalid input', { details: fieldProblems(result.error) });
    }
    c.set('input', result.data);
    await next();
  });
}

/** For functions without input: the body, if any, must still be JSON (or empty). */
export const noInput = input(z.object({}).loose());
