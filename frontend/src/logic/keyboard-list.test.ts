import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { moveIndex, tabStop } from './keyboard-list.ts';

const move = suite('moveIndex');
move('should step with the arrows and stop at both ends', () => {
  assert.is(moveIndex('ArrowDown', 0, 3), 1);
  assert.is(moveIndex('ArrowDown', 2, 3), 2);
  assert.is(moveIndex('ArrowUp', 1, 3), 0);
  assert.is(moveIndex('ArrowUp', 0, 3), 0);
});
move('should jump with Home, End and the page keys', () => {
  assert.is(moveIndex('Home', 7, 20), 0);
  assert.is(moveIndex('End', 0, 20), 19);
  assert.is(moveIndex('PageDown', 5, 20, 10), 15);
  assert.is(moveIndex('PageDown', 15, 20, 10), 19);
  assert.is(moveIndex('PageUp', 5, 20, 10), 0);
});
move('should start at the first row when none is active, and clamp a row the list lost', () => {
  assert.is(moveIndex('ArrowDown', -1, 3), 0);
  assert.is(moveIndex('ArrowUp', -1, 3), 0);
  assert.is(moveIndex('ArrowDown', 9, 3), 2);
  assert.is(moveIndex('ArrowUp', 9, 3), 1);
});
move('should ignore other keys and empty lists', () => {
  assert.is(moveIndex('Enter', 0, 3), null);
  assert.is(moveIndex('a', 0, 3), null);
  assert.is(moveIndex('ArrowDown', -1, 0), null);
});
move.run();

const stop = suite('tabStop');
stop('should keep one tab stop: the active row, else the first', () => {
  assert.is(tabStop(2, 5), 2);
  assert.is(tabStop(-1, 5), 0);
  assert.is(tabStop(7, 5), 0);
  assert.is(tabStop(-1, 0), -1);
});
stop.run();
