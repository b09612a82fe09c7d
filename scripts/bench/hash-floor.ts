/** The hashing floor: N Argon2id hashes with the dashboard's parameters, on every core at once. */
import { availableParallelism } from 'node:os';
import { createPasswordHasher } from '../../lib/auth/passwords.ts';

const count = Number(process.argv[2] ?? 20_000);
const hasher = createPasswordHasher();
const inFlight = Math.max(8, availableParallelism() * 4);
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: inFlight }, async () => {
  while (next++ < count) await hasher.hash(`bench password ${next}`);
}));
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ hashes: count, seconds, perSecond: count / seconds }));
