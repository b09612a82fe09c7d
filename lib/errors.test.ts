import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, invalidField, isAppError } from './errors.ts';
import { parseTimeBound } from './events/docker-event.ts';
import { decodeCursor } from './events/event-cursor.ts';
import { handleError } from './http/errors.ts';
import { queryInteger, readInput } from './http/input.ts';
import { toSwarmError } from './swarm/docker-errors.ts';
import { applyServiceInput } from './swarm/service-input.ts';
import { z } from 'zod';

const caught = async (run: () => unknown): Promise<AppError> => {
  try {
    await run();
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('no error');
};

const isFieldList = (details: unknown): boolean =>
  Array.isArray(details) &&
  details.length > 0 &&
  details.every((d) => typeof d === 'object' && d !== null && Object.keys(d).sort().join() === 'field,message' && typeof d.field === 'string' && typeof d.message === 'string');

const shape = suite('validation_failed details');

shape('should be a list of {field, message} from every source that refuses input', async () => {
  const sources: Array<[string, () => unknown, string]> = [
    ['zod input', () => readInput(new Request('http://x/?id=web&tail=abc'), z.object({ id: z.string(), tail: queryInteger(1, 10) })), 'tail'],
    ['body not JSON', () => readInput(new Request('http://x/', { method: 'POST', body: '{' }), null), '(body)'],
    ['cursor', () => decodeCursor('not-a-cursor'), 'cursor'],
    ['time bound', () => parseTimeBound('yesterday', 'since'), 'since'],
    ['service input', () => applyServiceInput({ Name: 'a' }, { name: 'b' }), 'name'],
    ['engine 400', () => { throw toSwarmError({ statusCode: 400, json: { message: 'invalid name' } }); }, '(body)'],
    ['engine network', () => { throw toSwarmError({ statusCode: 500, json: { message: 'network nope not found' } }); }, 'networks'],
    ['helper', () => { throw invalidField('version', 'version must be a non-negative integer'); }, 'version'],
  ];
  for (const [what, run, field] of sources) {
    const e = await caught(run);
    assert.is(e.code, 'validation_failed', what);
    assert.ok(isFieldList(e.details), `${what}: ${JSON.stringify(e.details)}`);
    assert.ok((e.details as Array<{ field: string }>).some((d) => d.field === field), `${what} names ${field}: ${JSON.stringify(e.details)}`);
  }
});

shape('should give a 400 from the framework the same details', async () => {
  const app = new Hono();
  app.onError(handleError);
  app.get('/', () => {
    throw new HTTPException(400, { message: 'Malformed JSON in request body' });
  });
  const res = await app.request('/');
  assert.is(res.status, 400);
  const { error } = await res.json();
  assert.is(error.code, 'validation_failed');
  assert.ok(isFieldList(error.details), JSON.stringify(error.details));
});

shape.run();
