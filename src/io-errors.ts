/**
 * The one file-I/O error mapper (issue 12): a Node errno error (EACCES, EISDIR, ENOSPC, EROFS, …)
 * on a path, for an action ("read", "write", "create the folder"), becomes a UserError with one
 * message line naming the path and the cause in words, and one hint line saying what to do — so no
 * file problem reaches the user as a raw errno string or an exit-70 stack trace. Also the pre-flight
 * check for an output file (`prepareOutputFile`), so long renders and training runs fail at once on
 * a path they could never write, instead of after the work.
 *
 * What this is not: it does no writing itself (callers write, atomically, and map what they catch),
 * and it is not for errors that are bugs: anything without an errno `code` is returned unchanged.
 */
import { accessSync, constants, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';

/** The errno code of a Node system error, or undefined. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** The cause of an errno, in words. */
const CAUSES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large',
  EROFS: 'read-only file system',
  EEXIST: 'it already exists',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
};

/** What to do about it: one line per cause; `reading` picks the reading variant where they differ. */
function hintFor(code: string, file: string, reading: boolean): string {
  switch (code) {
    case 'ENOENT':
      return reading ? 'check the path' : 'create the folder first, or choose another path';
    case 'EACCES':
    case 'EPERM':
      return reading
        ? `check the file's permissions (ls -l ${file})`
        : `check the permissions of ${path.dirname(file)}, or choose another path`;
    case 'EISDIR':
      return reading ? 'pass a file, not a directory' : 'name a file, not a directory';
    case 'ENOTDIR':
      return 'check the path: one of its folders is a file';
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'free some disk space, or write to another disk';
    case 'EROFS':
      return 'write to a writable location instead';
    case 'EMFILE':
    case 'ENFILE':
      return 'close other programs or raise the open-file limit (ulimit -n)';
    default:
      return reading ? 'check the path and the file' : 'choose another path';
  }
}

/**
 * `e` as a UserError "cannot ACTION PATH: CAUSE" + hint when it is a system (errno) error (an
 * action starting with "read" gets the reading hints); any
 * other error is returned unchanged (a bug keeps its stack). Use as `throw fileError(e, p, 'read')`.
 *
 * @example fileError(eaccesError, 'w.npz', 'read').message === 'cannot read w.npz: permission denied'
 */
export function fileError(e: unknown, file: string, action: string): Error {
  if (e instanceof UserError) return e;
  const code = errnoCode(e);
  if (code === undefined) return e instanceof Error ? e : new Error(String(e));
  const cause = CAUSES[code] ?? code;
  return new UserError(`cannot ${action} ${file}: ${cause}`, { hint: hintFor(code, file, action.startsWith('read')) });
}

/**
 * Pre-flight for an output file that will be written later (after a render or training): create
 * its folder if missing — one level at a time, since Node's recursive mkdir can spin forever
 * under /proc — and fail now, with a one-line UserError naming the path, when the name is a
 * directory, a folder on the way is a file, or the folder cannot be written. Writability is probed
 * by creating and removing an empty hidden file, so read-only mounts and permissions are caught
 * alike (root passes `access` checks that the write itself may still fail).
 */
export function prepareOutputFile(file: string): void {
  const dir = path.dirname(path.resolve(file));
  const missing: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    let st;
    try {
      st = statSync(d);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT' || path.dirname(d) === d) throw fileError(e, file, 'write');
      missing.unshift(d);
      continue;
    }
    if (!st.isDirectory()) {
      throw new UserError(`cannot write ${file}: ${d} is not a directory`, { hint: 'check the path: one of its folders is a file' });
    }
    break;
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw fileError(e, m, 'create the folder');
    }
  }
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDir) throw new UserError(`cannot write ${file}: it is a directory`, { hint: 'name a file, not a directory' });
  const probe = path.join(dir, `.${path.basename(file)}.${process.pid}.probe`);
  try {
    accessSync(dir, constants.W_OK);
    writeFileSync(probe, '');
  } catch (e) {
    throw fileError(e, file, 'write');
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // never created
    }
  }
}

/**
 * Pre-flight for an output file whose folder must already exist (`--snapshot --out`,
 * `contact-sheet --out`): the folder exists and is a directory, the name is not a directory, and
 * the folder can be written (probed as in prepareOutputFile). One-line UserError + hint otherwise.
 */
export function requireOutputFolder(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    // missing: said below
  }
  if (!isFolder) throw new UserError(`cannot write ${file}: the folder ${dir} does not exist`, { hint: 'create it first, or pick another --out path' });
  prepareOutputFile(file);
}
