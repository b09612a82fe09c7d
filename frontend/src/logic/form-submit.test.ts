import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFormSubmit } from './form-submit.ts';

const test = suite('createFormSubmit');

const event = () => {
  let prevented = false;
  return { e: { preventDefault: () => (prevented = true) } as unknown as SubmitEvent, prevented: () => prevented };
};

test('should send nothing while the form is invalid, and mark it tried', async () => {
  let sent = 0;
  const form = createFormSubmit({ valid: () => false, send: async () => void sent++, reset: () => assert.unreachable() });
  const { e, prevented } = event();
  await form.submit(e);
  assert.ok(prevented());
  assert.is(sent, 0);
  assert.is(form.tried(), true);
});

test('should reset the form and its tried mark after a send that succeeds', async () => {
  let reset = 0;
  const form = createFormSubmit({ valid: () => true, send: async () => {}, reset: () => void reset++ });
  await form.submit(event().e);
  assert.is(reset, 1);
  assert.is(form.tried(), false);
  assert.is(form.error(), null);
});

test('should keep the input and show the error of a send that fails, and clear it on the next try', async () => {
  const failure = new Error('conflict');
  let fail = true;
  const form = createFormSubmit({ valid: () => true, send: async () => { if (fail) throw failure; }, reset: () => {} });
  await form.submit(event().e);
  assert.is(form.error(), failure);
  assert.is(form.tried(), true);
  fail = false;
  await form.submit(event().e);
  assert.is(form.error(), null);
});

test.run();
