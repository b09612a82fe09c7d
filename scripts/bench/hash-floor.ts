/** The hashing floor: N Argon2id hashes with the dashboard's parameters, on every core at once. */
import { availableParallelism } from 'node:os';
import { createPasswordHasher } from '../../lib/auth/passwords.ts';

const count = Number(process.argv[2] ?? 20_000);
const hasher = createPasswordHasher();
const inFlight = Math.max(8, availableParallelism() * 4);
let next = 0;
const started = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: inFlight }, async () => {
  while (next++ < count) await hasher.hash(`bench password ${next}`);
}));
const seconds = (performance.now() - started) / 1000;
// CPU (every thread of the process): on a busy machine the wall time moves with the other work, this much less.
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ hashes: count, seconds, perSecond: count / seconds, cpuSecondsPerHash: (cpu.user + cpu.system) / 1e6 / count }));
