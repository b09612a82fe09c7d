import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogCollector } from './log-stream.ts';

const frame = (stream: number, payload: string): Buffer => {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};
const message = (task: string, i: number, text: string) =>
  `2026-11-27T21:00:${String(i % 60).padStart(2, '0')}.${i}Z com.docker.swarm.node.id=n1,com.docker.swarm.task.id=${task} ${text}\n`;
const big = { tail: 1_000_000, maxLineBytes: 1 << 20, maxTotalBytes: 1 << 30 };

const Collector = suite('log collector');

Collector('should decode the same lines whatever the chunk boundaries', () => {
  const body = Buffer.concat([frame(1, message('t1', 1, 'héllo')), frame(2, message('t2', 2, 'oops')), frame(1, message('t1', 3, ''))]);
  const whole = createLogCollector(false, big);
  whole.push(body);
  const bytewise = createLogCollector(false, big);
  for (let i = 0; i < body.length; i++) bytewise.push(body.subarray(i, i + 1));
  assert.equal(bytewise.lines(), whole.lines());
  assert.equal(whole.lines().map((l) => [l.taskId, l.stream, l.text]), [['t1', 'stdout', 'héllo'], ['t2', 'stderr', 'oops'], ['t1', 'stdout', '']]);
});

Collector('should keep only the last tail lines of each task', () => {
  const c = createLogCollector(false, { ...big, tail: 3 });
  for (let i = 0; i < 100; i++) c.push(frame(1, message(i % 2 ? 'a' : 'b', i, `line ${i}`)));
  assert.equal(c.lines().map((l) => l.text), ['line 94', 'line 95', 'line 96', 'line 97', 'line 98', 'line 99']);
});

Collector('should cut a long line at maxLineBytes, skip the rest of its frame, and mark the cut', () => {
  const c = createLogCollector(false, { ...big, maxLineBytes: 10 });
  c.push(frame(1, message('t', 1, 'x'.repeat(100_000))));
  c.push(frame(1, message('t', 2, 'short')));
  assert.equal(c.lines().map((l) => l.text), ['xxxxxxxxxx…', 'short']);
  const tty = createLogCollector(true, { ...big, maxLineBytes: 4 });
  tty.push(Buffer.from(message('t', 1, 'abcdefgh')));
  tty.push(Buffer.from(message('t', 2, 'ab').slice(0, -1))); // a last line without "\n"
  tty.end();
  assert.equal(tty.lines().map((l) => l.text), ['abcd…', 'ab']);
});

Collector('should keep at most maxTotalBytes, dropping the lines read first', () => {
  const c = createLogCollector(false, { ...big, maxTotalBytes: 10_000 });
  for (let i = 0; i < 10_000; i++) c.push(frame(1, message(`t${i % 7}`, i, `line ${i} ${'y'.repeat(50)}`)));
  assert.ok(c.keptBytes <= 10_000, `kept ${c.keptBytes} bytes`);
  const lines = c.lines();
  assert.ok(lines.length > 10, `${lines.length} lines`);
  assert.is(lines.at(-1)!.text, `line 9999 ${'y'.repeat(50)}`);
  const numbers = lines.map((l) => Number(l.text.split(' ')[1]));
  assert.equal(numbers, numbers.map((_, i) => 10_000 - numbers.length + i), 'the newest lines, contiguous');
});

Collector('should stop at a header that makes no sense and drop a frame cut short', () => {
  const c = createLogCollector(false, big);
  assert.ok(c.push(frame(1, message('t', 1, 'one'))));
  assert.not.ok(c.push(Buffer.from('HTTP/1.1 garbage that is not a header')));
  assert.not.ok(c.push(frame(1, message('t', 2, 'two'))));
  const cut = createLogCollector(false, big);
  cut.push(frame(1, message('t', 1, 'one')));
  cut.push(frame(1, message('t', 2, 'two')).subarray(0, 20));
  cut.end();
  assert.is(cut.lines().length, 1);
});

Collector.run();
