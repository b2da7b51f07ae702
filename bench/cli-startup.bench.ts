/**
 * Start-up latency of the `gptviz` bin (issue 3: subcommands and apps are imported lazily, so
 * `--help`, `--version` and flag errors must not pay for GL, audio or ffmpeg code). Spawns the
 * compiled bin like `npx gptviz` does (minus npx itself) and reports the median wall time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './bench-row.js';
import type { BenchRow } from './bench-row.js';

const BIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const RUNS = 15;
/** Allowed cost over a bare `node -e 0` start (which this machine spends ~50–150 ms on). */
const TARGET_OVERHEAD_MS = 50;

function timeSpawn(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.error !== undefined) throw r.error;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Median wall time of each case and its median overhead over a bare node start, measured in
 * interleaved rounds so that load from other processes hits every case alike.
 */
export function bench(): Promise<BenchRow[]> {
  const cases: [string, string[]][] = [
    ['gptviz --version', ['--version']],
    ['gptviz --help', ['--help']],
    ['gptviz --fps 500 (usage error)', ['--fps', '500']],
  ];
  const base: number[] = [];
  const times = cases.map(() => [] as number[]);
  const over = cases.map(() => [] as number[]);
  timeSpawn(['-e', '0']); // warm the file cache
  for (const [, args] of cases) timeSpawn([BIN, ...args]);
  for (let i = 0; i < RUNS; i++) {
    const b = timeSpawn(['-e', '0']);
    base.push(b);
    cases.forEach(([, args], k) => {
      const ms = timeSpawn([BIN, ...args]);
      times[k]!.push(ms);
      over[k]!.push(ms - b);
    });
  }
  const rows: BenchRow[] = [{ name: 'start-up: node -e 0 (baseline)', value: median(base), unit: 'ms', note: `median of ${RUNS}` }];
  cases.forEach(([name], k) => {
    const o = median(over[k]!);
    rows.push({
      name: `start-up overhead: ${name}`,
      value: o,
      unit: 'ms',
      target: `< ${TARGET_OVERHEAD_MS} ms`,
      ok: o < TARGET_OVERHEAD_MS,
      note: `total ${median(times[k]!).toFixed(0)} ms, median of ${RUNS}`,
    });
  });
  return Promise.resolve(rows);
}
