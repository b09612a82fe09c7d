import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isAppError } from '../errors.ts';
import { interpolate, parseComposeFile } from './compose-file.ts';
import { bytes, durationNs, mapComposeFile, shellWords } from './mapping.ts';

const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (isAppError(error) && error.code === 'validation_failed') return (error.details as Array<{ field: string }>).map((d) => d.field);
    throw error;
  }
  return [];
};

const Parts = suite('Compose values');

Parts('should read durations, sizes and command lines as Compose does', () => {
  assert.is(durationNs('1m30s'), 90e9);
  assert.is(durationNs('500ms'), 5e8);
  assert.is(durationNs('soon'), undefined);
  assert.is(bytes('64M'), 64 * 1024 * 1024);
  assert.is(bytes('1g'), 1024 ** 3);
  assert.equal(shellWords(`sh -c 'echo "a b"' x\\ y`), ['sh', '-c', 'echo "a b"', 'x y']);
});

Parts('should interpolate ${VAR}, defaults, $$ and report unset and required variables', () => {
  const problems: Array<{ field: string; message: string }> = [];
  assert.is(interpolate('${A}-${B:-b}-${C-c}-$$A-$A', { A: 'a', C: '' }, 'f', problems), 'a-b--$A-a');
  assert.equal(problems, []);
  interpolate('${MISSING} ${NEED:?give it}', {}, 'services.x.image', problems);
  assert.equal(problems.map((p) => p.field), ['services.x.image', 'services.x.image']);
});

Parts('should read a leading-zero file mode as octal', () => {
  const file = parseComposeFile('services:\n  a:\n    image: x\n    secrets: [{source: s, mode: 0440}]\nsecrets:\n  s: {external: true}\n');
  assert.is((file.services.a!.secrets as Array<{ mode: number }>)[0]!.mode, 0o440);
});

Parts.run();

const Mapping = suite('mapComposeFile');

Mapping('should name everything after the stack unless a name or external is given', () => {
  const file = parseComposeFile('services:\n  web:\n    image: x\n    networks: [front, ext]\n    volumes: [data:/d, named:/n]\nnetworks:\n  front: {}\n  ext: {external: true, name: shared}\nvolumes:\n  data: {}\n  named: {name: workload-n}\n');
  const plan = mapComposeFile('shop', file);
  const spec = plan.services[0]!.spec as any;
  assert.is(spec.Name, 'shop_web');
  assert.equal(spec.TaskTemplate.Networks.map((n: any) => n.Target), ['shop_front', 'shared']);
  assert.equal(spec.TaskTemplate.ContainerSpec.Mounts.map((m: any) => m.Source), ['shop_data', 'workload-n']);
  assert.equal(plan.networks.map((n) => [n.engineName, n.external]), [['shared', true], ['shop_front', false]]);
});

Mapping('should refuse, with their paths, fields it cannot map instead of dropping them', () => {
  const file = parseComposeFile('services:\n  web:\n    image: x\n    pid: host\n    volumes: [undeclared:/d]\n    deploy: {endpoint_mode: vip, resources: {reservations: {devices: [{capabilities: [gpu]}]}}}\nsecrets:\n  s: {file: ./s.txt}\n');
  assert.equal(fieldsOf(() => mapComposeFile('shop', file)).sort(), ['secrets.s.file', 'services.web.deploy.resources.reservations.devices', 'services.web.pid', 'services.web.volumes.0']);
});

Mapping('should map what needs the policy\'s judgement so that the gate sees it', () => {
  const file = parseComposeFile('services:\n  web:\n    image: x\n    privileged: true\n    cap_add: [NET_ADMIN]\n    network_mode: host\n    volumes: [/:/host]\n');
  const c = (mapComposeFile('shop', file).services[0]!.spec as any).TaskTemplate;
  assert.is(c.ContainerSpec.Privileged, true);
  assert.equal(c.ContainerSpec.CapabilityAdd, ['NET_ADMIN']);
  assert.equal(c.Networks, [{ Target: 'host' }]);
  assert.equal(c.ContainerSpec.Mounts, [{ Type: 'bind', Source: '/', Target: '/host' }]);
});

Mapping.run();
