import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ws from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame, textFrames, writeFramed } from './frames.ts';

const test = suite('relay frames');

// ws's own framing, as the reference (exported by ws, not declared in its types).
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

// Every header length of RFC 6455 (7-bit, 16-bit and 64-bit) at its edges, and multi-byte UTF-8.
const messages = ['', 'a', 'x'.repeat(125), 'x'.repeat(126), 'é'.repeat(40), '☃'.repeat(21_845), 'x'.repeat(65_535), 'x'.repeat(65_536), '{"type":"event"}'];

test('should frame as ws frames a server message', () => {
  for (const m of messages) {
    const data = Buffer.from(m);
    const reference = Buffer.concat(Sender.frame(data, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
    const ours = textFrame(m);
    assert.ok(ours.bytes.equals(reference), `frame of ${data.length} bytes`);
    assert.ok(ours.messages[0].equals(data), `payload of ${data.length} bytes`);
  }
  assert.ok(
    textFrames(messages).equals(Buffer.concat(messages.map((m) => textFrame(m).bytes))),
    'textFrames is the frames back to back',
  );
  assert.ok(
    textFrames(messages, messages.map((m) => Buffer.byteLength(m))).equals(textFrames(messages)),
    'textFrames with the sizes given frames the same',
  );
});

test('should reach a real client whole and in order, mixed with ws sends', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (d, binary) => {
    assert.not.ok(binary, 'a text message');
    received.push(d.toString());
  });
  const [server] = (await once(wss, 'connection')) as [WebSocket];
  await once(client, 'open').catch(() => {});
  const sent = await new Promise<boolean>((resolve) => {
    writeFramed(server, textFrames(messages.slice(0, 5)), [], () => resolve(true));
  });
  assert.ok(sent, 'the callback fires once written');
  server.send('between');
  writeFramed(server, textFrame(messages[5]!).bytes, []);
  writeFramed(server, textFrames(messages.slice(6)), []);
  const expected = [...messages.slice(0, 5), 'between', ...messages.slice(5)];
  while (received.length < expected.length) await new Promise((r) => setTimeout(r, 10));
  assert.equal(received, expected);
  client.close();
  wss.close();
});

test('should send the messages through ws when there is no socket, and never to a closed one', () => {
  const sent: unknown[] = [];
  const fake = { readyState: WebSocket.OPEN, send: (d: unknown) => sent.push(d) } as unknown as WebSocket;
  let called = 0;
  writeFramed(fake, textFrames(['a', 'b']), ['a', 'b'], () => called++);
  assert.equal(sent, ['a', 'b']);
  const closed = { readyState: WebSocket.CLOSING, send: (d: unknown) => sent.push(d) } as unknown as WebSocket;
  writeFramed(closed, textFrames(['c']), ['c'], () => called++);
  assert.equal(sent, ['a', 'b']);
  assert.is(called, 1, 'onSent fires for the closed client at once (the fake never calls back)');
});

test.run();
