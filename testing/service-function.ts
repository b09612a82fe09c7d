/**
 * The frame of a service function's unit tests (restart, rollback, scale, delete, update): a suite over a
 * recording swarm whose answers a test may replace (the swarm looks them up at each call), and the refusals
 * every one of them shares, none of which may reach the engine.
 */
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../lib/errors.ts';
import type { AnyFunctionDefinition } from '../lib/http/function-definition.ts';
import { mountFunction } from '../lib/http/mount.ts';
import type { Swarm } from '../lib/swarm/swarm.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from './deps.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answers = Partial<Record<keyof Swarm, (...args: any[]) => unknown>>;
export type RecordingSwarm = ReturnType<typeof recordingSwarm>;
export type Ctx = { deps: TestDeps; answers: Answers; swarm: RecordingSwarm };

/** The engine's built-in networks, as listNetworks answers on a fresh node. */
export const HOST_AND_NONE = [
  { id: 'hostid123', name: 'host', driver: 'host', scope: 'local', labels: {} },
  { id: 'noneid', name: 'none', driver: 'null', scope: 'local', labels: {} },
];

export interface ServiceFunctionSuite {
  test: Test<Ctx>;
  /** POSTs `body` to the function, mounted on the test's deps. */
  ask(deps: TestDeps, body: unknown, headers?: Record<string, string>): Response | Promise<Response>;
  /** The swarm methods called so far, in order. */
  methods(swarm: RecordingSwarm): string[];
}

/** `answers` is called before each test, so a test's replacements do not leak into the next. */
export function serviceFunctionSuite(definition: AnyFunctionDefinition, answers: () => Answers): ServiceFunctionSuite {
  const test = suite<Ctx>(definition.name, {} as Ctx);
  test.before.each(async (ctx) => {
    ctx.answers = answers();
    ctx.swarm = recordingSwarm(ctx.answers);
    ctx.deps = await createTestDeps({ swarm: ctx.swarm });
  });
  test.after.each(({ deps }) => deps.cleanup());
  return {
    test,
    ask: (deps, body, headers = {}) => mountFunction(definition, deps).request('/', post(body, headers)),
    methods: (swarm) => swarm.calls.map((c) => c.method),
  };
}

/**
 * The refusals of a function that needs services.write: 401 without a token, 403 without the permission, 400
 * validation_failed for each of `badBodies`, and 404 for GET (with `query`, the valid input as parameters).
 */
export function serviceRefusalTests(
  { test, ask }: ServiceFunctionSuite,
  definition: AnyFunctionDefinition,
  options: { body: unknown; badBodies: unknown[]; query: string },
): void {
  test('should answer 401 without a token, without reaching the engine', async ({ deps, swarm }) => {
    const res = await ask(deps, options.body);
    assert.is(res.status, 401);
    assert.is((await res.json()).error.code, 'unauthenticated');
    assert.equal(swarm.calls, []);
    assert.equal(deps.published, []);
  });

  test('should need services.write and not touch the engine without it', async ({ deps, swarm }) => {
    const { authorization } = await deps.addUser('viewer', ['services.read']);
    const res = await ask(deps, options.body, { authorization });
    assert.is(res.status, 403);
    assert.is((await res.json()).error.code, 'forbidden');
    assert.equal(swarm.calls, []);
  });

  test('should refuse bad input with validation_failed before the engine', async ({ deps, swarm }) => {
    const { authorization } = await deps.addUser('dev', ['services.write']);
    for (const body of options.badBodies) {
      const res = await ask(deps, body, { authorization });
      assert.is(res.status, 400, JSON.stringify(body));
      assert.is((await res.json()).error.code, 'validation_failed');
    }
    assert.equal(swarm.calls, []);
  });

  test('should answer only POST: GET is 404', async ({ deps, swarm }) => {
    const { authorization } = await deps.addUser('dev', ['services.write']);
    const res = await mountFunction(definition, deps).request(`/?${options.query}`, { headers: { authorization } });
    assert.is(res.status, 404);
    assert.is((await res.json()).error.code, 'not_found');
    assert.equal(swarm.calls, []);
  });
}

/** An unknown service: 404 not_found after the one read, with nothing written. `body` names the service 'ghost'. */
export function serviceNotFoundTest({ test, ask, methods }: ServiceFunctionSuite, body: unknown): void {
  test('should answer not_found for an unknown service', async ({ deps, answers, swarm }) => {
    answers.inspectService = () => {
      throw new AppError('not_found', 'no such service');
    };
    const { authorization } = await deps.addUser('dev', ['services.write']);
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 404);
    assert.is((await res.json()).error.code, 'not_found');
    assert.equal(methods(swarm), ['inspectService']);
  });
}

/** A write (`updateService`, `rollbackService`) that keeps meeting a newer version: 409 after five attempts. */
export function giveUpAfterFiveTest({ test, ask, methods }: ServiceFunctionSuite, write: keyof Swarm, body: unknown): void {
  test('should give up with version_conflict after five attempts', async ({ deps, answers, swarm }) => {
    answers[write] = () => {
      throw new AppError('version_conflict', 'stale');
    };
    const { authorization } = await deps.addUser('dev', ['services.write']);
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 409);
    assert.is((await res.json()).error.code, 'version_conflict');
    assert.is(methods(swarm).filter((m) => m === write).length, 5);
  });
}
