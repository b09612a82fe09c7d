import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startWebhookReceiver } from '../../testing/webhook-receiver.ts';
import { createWebhookClient, isPublicAddress, signature } from './webhook.ts';

const addresses = suite('isPublicAddress');

addresses('should refuse loopback, private, link-local and other non-global addresses, v4 and v6', () => {
  for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1',
    '::ffff:a9fe:a9fe', '64:ff9b::10.0.0.1', 'not-an-ip']) {
    assert.is(isPublicAddress(a), false, a);
  }
});

addresses('should take global unicast addresses', () => {
  for (const a of ['1.1.1.1', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.is(isPublicAddress(a), true, a);
});

addresses.run();

const check = suite('WebhookClient.check');

const lookupTo = (...ips: string[]) => (_host: string, cb: (e: Error | null, a: { address: string; family: number }[]) => void) =>
  cb(null, ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

const refused = async (p: Promise<unknown>) => {
  try {
    await p;
    assert.unreachable('allowed');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'validation_failed');
    return (e as { details: Array<{ field: string }> }).details;
  }
};

check('should refuse a host that resolves to a private address, even if another of its addresses is public', async () => {
  const client = createWebhookClient({}, { lookup: lookupTo('93.184.216.34', '10.0.0.5') });
  const details = await refused(client.check('https://hooks.example.com/x'));
  assert.equal(details?.map((d) => d.field), ['webhook.url']);
  await createWebhookClient({}, { lookup: lookupTo('93.184.216.34') }).check('https://hooks.example.com/x');
});

check('should refuse IP literals, other schemes and credentials, and allow private targets only when told', async () => {
  const client = createWebhookClient();
  for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data', 'ftp://example.com/', 'http://u:p@93.184.216.34/', 'nope']) {
    await refused(client.check(url));
  }
  await createWebhookClient({ allowPrivate: true }).check('http://127.0.0.1:8080/');
  await refused(createWebhookClient({ allowPrivate: true }).check('file:///etc/passwd'));
});

check('should resolve with the real resolver: localhost is refused', async () => {
  await refused(createWebhookClient().check('http://localhost:1/'));
});

check.run();

const post = suite('WebhookClient.post');

post('should POST the body signed with the secret, and report the receiver status', async () => {
  const receiver = await startWebhookReceiver([500, 404]);
  try {
    const client = createWebhookClient({ allowPrivate: true });
    const body = JSON.stringify({ hello: 'world' });
    assert.equal(await client.post(receiver.url, body, 'k1', { 'x-dashboard-delivery': 'd1' }), { ok: false, status: 500, error: 'HTTP 500', retryable: true });
    assert.equal(await client.post(receiver.url, body, 'k1'), { ok: false, status: 404, error: 'HTTP 404', retryable: false });
    assert.equal(await client.post(receiver.url, body, 'k1'), { ok: true, status: 204, retryable: false });
    const [first] = receiver.received;
    assert.is(first!.body, body);
    assert.is(first!.headers['content-type'], 'application/json');
    assert.is(first!.headers['x-dashboard-delivery'], 'd1');
    assert.is(first!.headers['x-dashboard-signature'], signature(body, 'k1'));
    assert.ok(receiver.verify(first!, 'k1'));
    assert.not.ok(receiver.verify(first!, 'k2'));
  } finally {
    await receiver.close();
  }
});

post('should refuse at send time a host that now resolves to a private address, without connecting', async () => {
  const receiver = await startWebhookReceiver();
  try {
    // Created while the name pointed outward; now it points at the receiver on loopback (DNS rebinding).
    const client = createWebhookClient({}, { lookup: lookupTo('127.0.0.1') });
    const answer = await client.post(receiver.url.replace('127.0.0.1', 'rebind.example'), '{}', 'k');
    assert.is(answer.ok, false);
    assert.is(answer.retryable, false);
    assert.match(answer.error ?? '', /refused: .*127\.0\.0\.1/);
    assert.is(receiver.received.length, 0);
  } finally {
    await receiver.close();
  }
});

post('should connect to the address it checked, not to a second DNS answer', async () => {
  const receiver = await startWebhookReceiver();
  try {
    let calls = 0;
    const client = createWebhookClient({ allowPrivate: true }, {
      lookup: (_h, cb) => {
        calls++;
        cb(null, [{ address: '127.0.0.1', family: 4 }]);
      },
    });
    const answer = await client.post(receiver.url.replace('127.0.0.1', 'pinned.example'), '{}', 'k');
    assert.is(answer.ok, true, answer.error);
    assert.is(calls, 1, 'resolved once, for the check; the connection used that answer');
    assert.is(receiver.received[0]!.headers.host, `pinned.example:${new URL(receiver.url).port}`);
  } finally {
    await receiver.close();
  }
});

post('should fail an attempt that gets no answer within the timeout, and one that finds nobody listening', async () => {
  const { createServer } = await import('node:net');
  const silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  try {
    const client = createWebhookClient({ allowPrivate: true, timeoutMs: 200 });
    const started = Date.now();
    const answer = await client.post(`http://127.0.0.1:${port}/`, '{}', 'k');
    assert.is(answer.ok, false);
    assert.is(answer.retryable, true);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  } finally {
    silent.close();
  }
  const closed = await createWebhookClient({ allowPrivate: true }).post(`http://127.0.0.1:${port}/`, '{}', 'k');
  assert.is(closed.ok, false);
  assert.match(closed.error ?? '', /ECONNREFUSED/);
});

post.run();
