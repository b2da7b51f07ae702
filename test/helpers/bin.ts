/**
 * Spawn the real `gptviz` bin (dist/src/cli/main.js, as `npx gptviz` runs it) and collect its
 * exit code and output. For CLI tests of bad input, exit codes and messages (issue 3). Not for
 * anything that opens a window: it waits for the process to end (killed after `timeoutMs`).
 */
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
}

/** Run `node dist/src/cli/main.js ...args`; resolves when it exits. */
export function runBin(args: readonly string[], options: BinOptions = {}): Promise<BinResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** The non-empty lines of a stream's text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
