import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseComposeFile, REDACTED_SECRET_DATA, withoutSecretData } from './compose-file.ts';

const kept = suite('the kept Compose file');

const file = `# the shop
services:
  web:
    image: nginx
    secrets: [token, key, shared]
    configs: [settings]
x-common: &literal hunter2
secrets:
  token:
    x-data: \${TOKEN}
  key:
    x-data: "s3cr3t-value"   # written out
  shared:
    x-data: *literal
configs:
  settings:
    x-data: "plain config"
`;

kept('should keep no secret content but a bare variable, and keep the rest of the file', () => {
  const out = withoutSecretData(file);
  assert.not.match(out, /s3cr3t-value/);
  assert.not.match(out, /hunter2/);
  const parsed = parseComposeFile(out, { TOKEN: 'from-env' });
  assert.is(parsed.secrets!.token!['x-data'], 'from-env');
  assert.is(parsed.secrets!.key!['x-data'], REDACTED_SECRET_DATA);
  assert.is(parsed.secrets!.shared!['x-data'], REDACTED_SECRET_DATA);
  assert.is(parsed.configs!.settings!['x-data'], 'plain config');
  assert.match(out, /# the shop/);
});

kept('should redact a variable with a default, which holds content', () => {
  const out = withoutSecretData('services:\n  web:\n    image: nginx\nsecrets:\n  token:\n    x-data: ${TOKEN:-fallback-secret}\n');
  assert.not.match(out, /fallback-secret/);
});

kept('should return a file without stack secrets as it came', () => {
  const text = 'services:\n  web: { image: nginx }   # same bytes\n';
  assert.is(withoutSecretData(text), text);
});

kept.run();
