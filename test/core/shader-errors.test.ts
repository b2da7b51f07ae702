/** Shader error formatting (STYLE.md §18) without GL: log parsing per driver, numbered source. */
import test from 'ava';
import { formatShaderError, logLine } from '../../src/core/shader.js';

test('logLine understands Mesa, NVIDIA and Apple log formats', (t) => {
  t.is(logLine("0:12(5): error: `x' undeclared"), 12);
  t.is(logLine('0(7) : error C1008: undefined variable "x"'), 7);
  t.is(logLine("ERROR: 0:3: 'x' : undeclared identifier"), 3);
  t.is(logLine('something without a line'), null);
});

test('formatShaderError names file:line and puts the log under the failing line', (t) => {
  const source = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
  const { message, detail } = formatShaderError({ name: 'shaders/x.frag', source }, '0:10(3): error: bad thing\n');
  t.is(message, 'shaders/x.frag:10: shader compile failed: 0:10(3): error: bad thing');
  const lines = detail.split('\n');
  t.is(lines[0], ' 7: line 7');
  const at = lines.indexOf('10: line 10');
  t.true(at > 0);
  t.regex(lines[at + 1]!, /\^\^\^ 0:10\(3\): error: bad thing/);
  t.is(lines.at(-1), '12: line 12');
  t.false(detail.includes('line 13'));
});
