/**
 * Launch the real `gptviz` window under a display with a GPTVIZ_TEST_SCRIPT (app/test-script.ts)
 * and collect its JSON status lines: the one launcher of the window tests (interactive, talk).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, lines } from './bin.js';

export interface WindowRun<S> {
  code: number | null;
  /** One parsed JSON status line per script event, in order. */
  statuses: S[];
  stderr: string;
}

let scripts = 0;

/** Write `script` into `dir`, run the bin with `args` on `display`; resolve at exit. */
export function runWindow<S>(display: string, dir: string, args: readonly string[], script: object, timeoutMs = 90_000): Promise<WindowRun<S>> {
  const file = path.join(dir, `script-${process.pid}-${scripts++}.json`);
  writeFileSync(file, JSON.stringify(script));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DISPLAY: display, GPTVIZ_TEST_SCRIPT: file },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, statuses: lines(stdout).map((l) => JSON.parse(l) as S), stderr }));
  });
}
