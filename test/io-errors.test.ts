/**
 * The file-I/O error mapper and the output pre-flight (src/io-errors.ts, issue 12): every errno
 * becomes "cannot ACTION PATH: cause" plus a hint, a non-errno error stays itself (a bug keeps its
 * stack), and prepareOutputFile fails on what it can see before any work is done.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../src/errors.js';
import { fileError, prepareOutputFile, requireOutputFolder } from '../src/io-errors.js';
import { writeFileAtomic as writeAtomic } from '../src/atomic-write.js';

const TMP = mkdtempSync(path.join(tmpdir(), 'gptviz-io-'));
test.after.always(() => rmSync(TMP, { recursive: true, force: true }));

const errno = (code: string): Error => Object.assign(new Error(`${code}: something, open 'x'`), { code });

test('fileError: errno → message with the cause in words and one hint line', (t) => {
  for (const [code, action, message, hint] of [
    ['EACCES', 'read', 'cannot read w.npz: permission denied', /ls -l w\.npz/],
    ['EISDIR', 'read', 'cannot read w.npz: it is a directory', /not a directory/],
    ['ENOSPC', 'write', 'cannot write w.npz: no space left on the device', /free some disk space/],
    ['EROFS', 'write', 'cannot write w.npz: read-only file system', /writable location/],
    ['ENOENT', 'write', 'cannot write w.npz: no such file or directory', /create the folder/],
    ['EWEIRD', 'write', 'cannot write w.npz: EWEIRD', /another path/],
  ] as const) {
    const e = fileError(errno(code), 'w.npz', action);
    t.true(e instanceof UserError, code);
    t.is(e.message, message);
    t.regex((e as UserError).hint, hint);
    t.false((e as UserError).hint.includes('\n'));
  }
});

test('fileError: a bug (no errno) comes back unchanged; a UserError too', (t) => {
  const bug = new TypeError('x is undefined');
  t.is(fileError(bug, 'f', 'read'), bug);
  const user = new UserError('already said', { hint: 'h' });
  t.is(fileError(user, 'f', 'read'), user);
});

test('prepareOutputFile: creates missing folders; refuses a directory name or a file on the way; leaves no probe', (t) => {
  const file = path.join(TMP, 'a', 'b', 'w.npz');
  prepareOutputFile(file);
  t.deepEqual(readdirSync(path.join(TMP, 'a', 'b')), []);
  mkdirSync(path.join(TMP, 'dir.npz'));
  t.throws(() => prepareOutputFile(path.join(TMP, 'dir.npz')), { instanceOf: UserError, message: /it is a directory$/ });
  writeFileSync(path.join(TMP, 'plain'), 'x');
  t.throws(() => prepareOutputFile(path.join(TMP, 'plain', 'w.npz')), { instanceOf: UserError, message: /plain is not a directory$/ });
  t.throws(() => requireOutputFolder(path.join(TMP, 'missing', 'x.png')), { instanceOf: UserError, message: /the folder .*missing does not exist$/ });
});

test('a training save onto a full disk is a UserError and removes its temporary file', (t) => {
  // The save writes FILE.partial-<pid> first: make that name a link to /dev/full (ENOSPC on write).
  const file = path.join(TMP, 'full.npz');
  symlinkSync('/dev/full', `${file}.partial-${process.pid}`);
  const e = t.throws(() => writeAtomic(file, new Uint8Array(1000)), { instanceOf: UserError });
  t.is(e?.message, `cannot write ${file}: no space left on the device`);
  t.is(e?.hint, 'free some disk space, or write to another disk');
  t.deepEqual(readdirSync(TMP).filter((f) => f.startsWith('full.npz')), [], 'temporary file removed, nothing under the final name');
});
