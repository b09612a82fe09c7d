// Readiness probe for scripts/servers/cassandra.sh, with no npm dependency (it runs before `npm ci`).
//
//   node ready.mjs HOST PORT [TIMEOUT_MS]
//
// Speaks CQL native protocol v4: STARTUP, then QUERY `SELECT release_version FROM system.local`.
// Prints the release version and exits 0 only when the query answers with a row.
import net from 'node:net';

const [host = '127.0.0.1', port = '9042', timeoutArg = '3000'] = process.argv.slice(2);

const OP = { ERROR: 0x00, STARTUP: 0x01, READY: 0x02, QUERY: 0x07, RESULT: 0x08 };

function frame(stream, opcode, body) {
  const header = Buffer.alloc(9);
  header.writeUInt8(0x04, 0); // protocol v4, request
  header.writeUInt8(0, 1); // flags
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

function shortString(s) {
  const b = Buffer.from(s);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function longString(s) {
  const b = Buffer.from(s);
  const len = Buffer.alloc(4);
  len.writeInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function startup() {
  const count = Buffer.alloc(2);
  count.writeUInt16BE(1);
  return frame(1, OP.STARTUP, Buffer.concat([count, shortString('CQL_VERSION'), shortString('3.0.0')]));
}

function query(cql) {
  const tail = Buffer.alloc(3);
  tail.writeUInt16BE(0x0001, 0); // consistency ONE
  tail.writeUInt8(0, 2); // no query flags
  return frame(2, OP.QUERY, Buffer.concat([longString(cql), tail]));
}

function reader(buf) {
  let o = 0;
  const r = {
    int32: () => { const v = buf.readInt32BE(o); o += 4; return v; },
    uint16: () => { const v = buf.readUInt16BE(o); o += 2; return v; },
    str: () => { const n = r.uint16(); const s = buf.toString('utf8', o, o + n); o += n; return s; },
    bytes: () => { const n = r.int32(); if (n < 0) return null; const b = buf.subarray(o, o + n); o += n; return b; },
  };
  return r;
}

// RESULT kind Rows with a single varchar column: return the first cell as text.
function firstCell(body) {
  const r = reader(body);
  if (r.int32() !== 2) throw new Error('RESULT is not Rows');
  const flags = r.int32();
  const columns = r.int32();
  if (flags & 0x0002) r.bytes(); // paging state
  if (!(flags & 0x0004)) {
    const global = flags & 0x0001;
    if (global) { r.str(); r.str(); }
    for (let i = 0; i < columns; i++) {
      if (!global) { r.str(); r.str(); }
      r.str(); // column name
      if (r.uint16() === 0x0000) r.str(); // custom type class name; varchar has no parameters
    }
  }
  if (r.int32() < 1) throw new Error('no row');
  return r.bytes()?.toString('utf8') ?? null;
}

const socket = net.connect({ host, port: Number(port) });
const timer = setTimeout(() => fail('timeout'), Number(timeoutArg));
let pending = Buffer.alloc(0);

function fail(reason) {
  process.stderr.write(`cassandra not ready: ${reason}\n`);
  socket.destroy();
  process.exit(1);
}

socket.on('connect', () => socket.write(startup()));
socket.on('error', (err) => fail(err.code ?? err.message));
socket.on('close', () => fail('connection closed'));
socket.on('data', (data) => {
  pending = Buffer.concat([pending, data]);
  while (pending.length >= 9 && pending.length >= 9 + pending.readInt32BE(5)) {
    const opcode = pending.readUInt8(4);
    const body = pending.subarray(9, 9 + pending.readInt32BE(5));
    pending = pending.subarray(9 + body.length);
    if (opcode === OP.ERROR) {
      const r = reader(body);
      const code = r.int32();
      fail(`error 0x${code.toString(16)}: ${r.str()}`);
    } else if (opcode === OP.READY) {
      socket.write(query('SELECT release_version FROM system.local'));
    } else if (opcode === OP.RESULT) {
      try {
        const version = firstCell(body);
        clearTimeout(timer);
        process.stdout.write(`${version}\n`);
        socket.removeAllListeners('close');
        socket.end();
        process.exit(0);
      } catch (err) {
        fail(err.message);
      }
    } else {
      fail(`unexpected opcode 0x${opcode.toString(16)}`);
    }
  }
});
