/**
 * A function is a bare Hono app created from its dependencies. This gives it the shared error handler,
 * so local mode (all functions on one app) and OpenFaaS mode (one per container) answer alike.
 */
import { Hono, type Env } from 'hono';
import { handleError, notFound } from './errors.ts';

export function functionApp<E extends Env = Env>(): Hono<E> {
  const app = new Hono<E>({ strict: false });
  app.onError(handleError);
  app.notFound(notFound);
  return app;
}

/** Methods a read-only function answers (contract: POST, and GET with the fields as query). */
export const READ_METHODS = ['GET', 'POST'];
