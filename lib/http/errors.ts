/**
 * The one error handler: every function, in local and OpenFaaS mode, answers errors the same way:
 * `{error: {code, message, details?}}`, never a stack trace.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../errors.ts';

export function errorBody(error: AppError) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

export function handleError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    if (err.retryAfter !== undefined) c.header('Retry-After', String(err.retryAfter));
    return c.json(errorBody(err), err.status as 400);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = err.status === 401 ? 'unauthenticated' : err.status === 403 ? 'forbidden' : err.status === 404 ? 'not_found' : 'validation_failed';
    const status = code === 'validation_failed' ? 400 : err.status;
    const message = err.message || 'Bad request';
    const details = code === 'validation_failed' ? { details: [{ field: '(body)', message }] } : {};
    return c.json({ error: { code, message, ...details } }, status as 400);
  }
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', path: c.req.path, error: String(err?.stack ?? err) }));
  return c.json({ error: { code: 'internal_error', message: 'Internal error' } }, 500);
}

export function notFound(c: Context): Response {
  return c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404);
}
