/**
 * Spawn the real `gptviz` bin (dist/src/cli/main.js, as `npx gptviz` runs it) and collect its
 * exit code and output. For CLI tests of bad input, exit codes and messages (issue 3). Not for
 * anything that opens a window: it waits for the process to end (killed after `timeoutMs`).
 */
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of the compiled bin (this file runs from dist/test/helpers/). */
export const BIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface BinResult {
  /** Exit code; null when killed by a signal (e.g. the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BinOptions {
  readonly cwd?: string;
  /** Extra environment variables (merged over process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kill the process after this many ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Run as this user and group (only root may; for permission tests). */
  readonly uid?: number;
  readonly gid?: number;
}

/** Run `node dist/src/cli/main.js ...args`; resolves when it exits. */
export function runBin(args: readonly string[], options: BinOptions = {}): Promise<BinResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/**
 * Assert the shape every user error has (README, Exit codes; issue 12): exit code `code`, and as
 * the last two lines of stderr exactly `gptviz: error: <message>` and one hint line, with no
 * stack trace anywhere. `before` lines (warnings, progress) may precede them. Returns the hint.
 */
export function assertUserError(
  t: ExecutionContext,
  r: BinResult, code: number, message: string | RegExp, before = 0,
): string {
  t.is(r.code, code, r.stderr);
  const err = lines(r.stderr);
  t.is(err.length, before + 2, r.stderr);
  const first = err[before] ?? '';
  if (typeof message === 'string') t.is(first, `gptviz: error: ${message}`);
  else t.regex(first.replace(/^gptviz: error: /, ''), message, first);
  t.regex(first, /^gptviz: error: /);
  t.regex(err[before + 1] ?? '', /\S/, 'a hint line');
  t.notRegex(r.stderr, /\n\s+at |internal error/);
  return err[before + 1] ?? '';
}

/** The non-empty lines of a stream's text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
