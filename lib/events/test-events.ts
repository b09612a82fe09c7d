/** Event fixtures and polling for the contract suites and worker tests (not shipped to clients). */
import { eventId, formatTimeNano } from './docker-event.ts';
import type { Event } from './event.ts';

/** A valid container event at `timeNano`; `n` keeps ids apart when times collide. */
export const testEvent = (timeNano: bigint, n = 0, over: Partial<Pick<Event, 'type' | 'action' | 'scope'>> & { actor?: string } = {}): Event => {
  const base = {
    timeNano: timeNano.toString(),
    type: over.type ?? 'container',
    action: over.action ?? 'start',
    actor: { id: over.actor ?? `actor-${n % 7}`, attributes: { n: String(n), name: `task.${n}` } },
    scope: over.scope ?? ('local' as const),
  };
  return { id: eventId(base), time: formatTimeNano(timeNano), ...base };
};

/** Polls `check` until it returns true or `timeoutMs` passes; then throws with `what`. */
export const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
