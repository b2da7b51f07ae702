import test from 'ava';
import { UserError, UsageError, isUserError } from '../src/errors.js';

test('UserError carries hint and exit code; UsageError exits 2', (t) => {
  const e = new UserError('no weights', { hint: 'train first' });
  t.true(isUserError(e));
  t.is(e.exitCode, 1);
  t.is(e.hint, 'train first');
  const u = new UsageError('--fps must be 1–240');
  t.is(u.exitCode, 2);
  t.true(isUserError(u));
  t.false(isUserError(new Error('bug')));
});
