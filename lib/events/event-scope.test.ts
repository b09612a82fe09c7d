import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { directoryOf, eventFilterFor, EMPTY_DIRECTORY, rangeVisible } from './event-scope.ts';
import { createEmbeddedEventHistory } from './event-history/embedded.ts';
import { SCOPED_SERVICES, scopedEvents } from './scoped-test-events.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const T0 = 1_704_067_200_000_000_000n;
const events = scopedEvents(T0);
const all = Object.values(events);
const dir = directoryOf(SCOPED_SERVICES);
const names = (list: typeof all) => list.map((e) => Object.entries(events).find(([, v]) => v.id === e.id)![0]);

const filtering = suite('event scope');

filtering('should let unscoped events.read see everything (no filter)', () => {
  assert.is(eventFilterFor({ permissions: ['events.read', 'events.read:stack=shop'] }, () => dir), undefined);
});

filtering('should let a stack scope see only events about its services, their containers, tasks and audits', () => {
  const sees = eventFilterFor({ permissions: ['events.read:stack=shop'] }, () => dir)!;
  assert.equal(names(all.filter(sees)), ['shopService', 'shopContainer', 'shopStackAudit']);
});

filtering('should judge by service labels from the directory, and fail closed on what is about no service', () => {
  const sees = eventFilterFor({ permissions: ['events.read:label=team=payments', 'events.read:name=bank_*'] }, () => dir)!;
  assert.equal(names(all.filter(sees)), ['bankService', 'bankContainer', 'payTask', 'bankAudit']);
  assert.not.ok(all.filter(sees).some((e) => e.type === 'node' || e.actor.attributes['target.type'] === 'user'));
});

filtering('should not widen a label scope for a service the directory does not know', () => {
  const sees = eventFilterFor({ permissions: ['events.read:label=team=payments'] }, () => EMPTY_DIRECTORY)!;
  assert.equal(all.filter(sees), []);
  // A container still carries its stack label, so a stack scope places it without the directory.
  const stack = eventFilterFor({ permissions: ['events.read:stack=shop'] }, () => EMPTY_DIRECTORY)!;
  assert.equal(names(all.filter(stack)), ['shopContainer', 'shopStackAudit']);
});

filtering('should hold nothing for a holder without events.read', () => {
  const sees = eventFilterFor({ permissions: ['services.read'] }, () => dir)!;
  assert.equal(all.filter(sees), []);
});

filtering.run();

const paging = suite<{ dir: string }>('rangeVisible', { dir: '' });
paging.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'scope-'));
});
paging.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

paging('should fill pages with visible events only, and page on without skipping or repeating one', async (ctx) => {
  const history = createEmbeddedEventHistory({ dataDir: ctx.dir });
  await history.append(all);
  const sees = eventFilterFor({ permissions: ['events.read:stack=bank', 'events.read:label=team=payments'] }, () => dir)!;
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await rangeVisible(history, { limit: 2, ...(cursor ? { cursor } : {}) }, sees);
    assert.ok(page.events.length <= 2);
    seen.push(...names(page.events));
    cursor = page.next;
    pages++;
  } while (cursor && pages < 10);
  assert.equal(seen, ['bankService', 'bankContainer', 'payTask', 'bankAudit']);
  await history.close();
});
paging.run();
