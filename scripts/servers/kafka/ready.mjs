// Readiness probe for scripts/servers/kafka.sh, with no npm dependency (it runs before `npm ci`).
//
//   node ready.mjs HOST PORT [TIMEOUT_MS] [--warm]
//
// Sends a Kafka Metadata v4 request (all topics, no auto-creation) and exits 0 only when the broker
// answers with at least one live broker and a controller id, i.e. it is unfenced and serving clients.
// With --warm it also sends FindCoordinator for a consumer group and for a transactional id, and exits 0
// only when both name a coordinator: on a fresh data directory this creates __consumer_offsets and
// __transaction_state, so the first real consumer group or idempotent producer does not have to wait.
import net from 'node:net';

const args = process.argv.slice(2);
const warm = args.includes('--warm');
const [host = '127.0.0.1', port = '9092', timeoutArg = '3000'] = args.filter((a) => a !== '--warm');

const clientId = Buffer.from('ready-probe');
let correlation = 0;

// Request header v1 (api_key, api_version, correlation_id, client_id) + body, with the size prefix.
function frame(apiKey, apiVersion, body) {
  const header = Buffer.alloc(10 + clientId.length);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(++correlation, 4);
  header.writeInt16BE(clientId.length, 8);
  clientId.copy(header, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  return Buffer.concat([size, header, body]);
}

function reader(buf) {
  let o = 0;
  const r = {
    int8: () => buf.readInt8(o++),
    int16: () => { const v = buf.readInt16BE(o); o += 2; return v; },
    int32: () => { const v = buf.readInt32BE(o); o += 4; return v; },
    str: () => { const n = r.int16(); if (n < 0) return null; const s = buf.toString('utf8', o, o + n); o += n; return s; },
  };
  return r;
}

function string(s) {
  const b = Buffer.from(s);
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}

const socket = net.connect({ host, port: Number(port) });
const timer = setTimeout(() => fail('timeout'), Number(timeoutArg));
let pending = Buffer.alloc(0);
let waiter = null;

function fail(reason) {
  process.stderr.write(`kafka not ready: ${reason}\n`);
  socket.destroy();
  process.exit(1);
}

function call(apiKey, apiVersion, body) {
  return new Promise((resolveCall) => {
    waiter = resolveCall;
    socket.write(frame(apiKey, apiVersion, body));
  });
}

socket.on('error', (err) => fail(err.code ?? err.message));
socket.on('close', () => fail('connection closed'));
socket.on('data', (data) => {
  pending = Buffer.concat([pending, data]);
  if (pending.length < 4 || pending.length < 4 + pending.readInt32BE(0)) return;
  const size = pending.readInt32BE(0);
  const response = pending.subarray(4, 4 + size);
  pending = pending.subarray(4 + size);
  const r = reader(response);
  if (r.int32() !== correlation) fail('unexpected correlation id');
  const w = waiter;
  waiter = null;
  w?.(r);
});

async function metadata() {
  // Metadata v4 (the oldest version Kafka 4.x still serves, KIP-896): topics = null, no auto-creation.
  const body = Buffer.from([0xff, 0xff, 0xff, 0xff, 0]);
  const r = await call(3, 4, body);
  r.int32(); // throttle_time_ms
  const brokers = [];
  for (let n = r.int32(); n > 0; n--) brokers.push({ id: r.int32(), host: r.str(), port: r.int32(), rack: r.str() });
  const clusterId = r.str();
  const controllerId = r.int32();
  if (brokers.length === 0 || controllerId < 0) fail('no live broker in metadata yet');
  return { brokers, clusterId, controllerId };
}

async function findCoordinator(key, keyType) {
  // FindCoordinator v2: key, key_type (0 = group, 1 = transaction).
  const r = await call(10, 2, Buffer.concat([string(key), Buffer.from([keyType])]));
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  if (errorCode !== 0) fail(`FindCoordinator(${keyType === 0 ? 'group' : 'transaction'}) error ${errorCode}`);
}

socket.on('connect', async () => {
  const meta = await metadata();
  if (warm) {
    await findCoordinator('ready-probe', 0);
    await findCoordinator('ready-probe', 1);
  }
  clearTimeout(timer);
  process.stdout.write(`${JSON.stringify(meta)}\n`);
  socket.removeAllListeners('close');
  socket.end();
  process.exit(0);
});
