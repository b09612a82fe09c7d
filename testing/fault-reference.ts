/**
 * The fault test's independent witness: a long-lived reader of the engine's `GET /events` over the raw socket
 * (no dockerode, no producer code), appending every line it receives to a file. When the stream ends (dockerd
 * restarted) it reconnects at once and asks for the engine's whole buffer (`since=1`: a `since` near its newest
 * event lets the engine stop its replay early, at an event stamped with an older object time), and its
 * duplicates collapse by id in the comparison.
 * Usage: node --import tsx testing/fault-reference.ts <out-file>   (stops on SIGTERM)
 */
import { appendFileSync } from 'node:fs';
import { request } from 'node:http';

const out = process.argv[2];
if (!out) {
  console.error('usage: fault-reference.ts <out-file>');
  process.exit(2);
}
const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
let newest = 0n;
let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
  process.exit(0);
});

const connect = () => {
  const since = newest > 0n ? '?since=1' : '';
  const req = request({ socketPath, path: `/events${since}`, method: 'GET' }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      return void setTimeout(connect, 200);
    }
    console.log(`connected${since}`);
    let rest = '';
    res.on('data', (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      let nl: number;
      let lines = '';
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (!line) continue;
        lines += `${line}\n`;
        const m = /"timeNano":([0-9]+)/.exec(line);
        if (m && BigInt(m[1]!) > newest) newest = BigInt(m[1]!);
      }
      if (lines) appendFileSync(out, lines);
    });
    let ended = false;
    const again = () => {
      if (ended || stopping) return;
      ended = true;
      setTimeout(connect, 200);
    };
    res.on('end', again);
    res.on('error', again);
    res.on('close', again);
  });
  req.on('error', () => {
    if (!stopping) setTimeout(connect, 200);
  });
  req.end();
};
connect();
