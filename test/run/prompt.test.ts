/**
 * Prompt clean-up (src/run/prompt.ts, spec §3.2 step 1): the one code path whose warnings every
 * front-end prints — dropped characters at parse time, the cut to the model's S once the weights
 * are loaded.
 */
import test from 'ava';
import { UserError, UsageError } from '../../src/errors.js';
import { cleanPrompt, fitPrompt } from '../../src/run/prompt.js';

function collect(): { warn: (m: string) => void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (m) => warnings.push(m), warnings };
}

test('cleanPrompt: lower-case, newlines read as spaces, one warning naming dropped characters in order', (t) => {
  const { warn, warnings } = collect();
  t.is(cleanPrompt('To be,\nor NOT 2b; "or"', warn), "to be or not b or");
  t.is(cleanPrompt('to be\r\nor\rnot', warn), 'to be or not');
  t.deepEqual(warnings, ['warning: dropped characters not in the vocabulary: ",", "2", ";", "\\""']);
  t.is(cleanPrompt("what's up?", warn), "what's up?");
  t.is(warnings.length, 1);
});

test('cleanPrompt: nothing left or empty is a usage error (exit 2), with no warning', (t) => {
  const { warn, warnings } = collect();
  const e = t.throws(() => cleanPrompt('12,3', warn), { instanceOf: UserError });
  t.is(e?.message, '--text has no characters in the vocabulary (dropped "1", "2", ",", "3")');
  t.is(e?.exitCode, 2);
  t.throws(() => cleanPrompt('', warn), { instanceOf: UsageError });
  t.deepEqual(warnings, []);
});

test('fitPrompt cuts to the context length S with a warning, only when needed', (t) => {
  const { warn, warnings } = collect();
  t.is(fitPrompt('hello', 16, warn), 'hello');
  t.is(fitPrompt('sixteen chars!!!', 16, warn), 'sixteen chars!!!');
  t.deepEqual(warnings, []);
  t.is(fitPrompt('to be or not to be that is', 12, warn), 'to be or not');
  t.deepEqual(warnings, ['warning: --text is longer than the model\'s context of 12 characters; using "to be or not"']);
});
