/**
 * V8's optimising compiler held back until the window's first frame is on screen (issue 15,
 * first frame first).
 *
 * Before its first frame the window's process loads ≈ 150 modules, builds a run and makes its
 * GL context; code that runs hot for a moment there (module resolution, the random weights, the
 * noise table, the colour maps) makes V8 optimise ≈ 45 functions on its background threads,
 * ≈ 150 ms of CPU. On a two-core machine that CPU is taken from the window's own creation, which
 * is the start's critical path; hardly any of the optimised code runs again before the first
 * frame. So the window's start runs with TurboFan off (the interpreter and the baseline compiler
 * still run everything) and turns it back on once the first frame is swapped: from there the
 * functions that stay hot, the frame loop's, are optimised as usual.
 *
 * Only where V8 has no Maglev by default (V8 < 12: Node 20). From Node 22, Maglev optimises the
 * start's hot code cheaply: there holding both compilers back made the first frame later
 * (654 vs 630 ms on Node 24), and holding TurboFan alone would keep the code Maglev compiles
 * meanwhile at Maglev for good (it only tiers up when TurboFan was on as it compiled).
 * A V8 flag about the compilers given to node leaves it all alone.
 *
 * Measured (spawn → the first frame's status line, interleaved runs, median): see the README's
 * benchmark notes; `npm run bench -- app` has the row.
 *
 * What it is not: a general tuning of V8 (every other command runs with V8's defaults).
 */
import v8 from 'node:v8';

let held = false;

/** Maglev's default: on from V8 12 (Node 22). */
const MAGLEV_BY_DEFAULT = Number(process.versions.v8.split('.')[0]) >= 12;

/** True when node was given a flag about the optimising compilers: then they are the user's. */
function userFlags(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((a) => /^--(no-)?(opt|turbofan|maglev|jitless)\b/.test(a));
}

/** Turn TurboFan off until releaseOptimiser, where V8 has no Maglev by default (idempotent). */
export function holdOptimiser(): void {
  if (held || MAGLEV_BY_DEFAULT || userFlags()) return;
  held = true;
  v8.setFlagsFromString('--no-turbofan');
}

/** Turn it back on (idempotent; nothing when it was not held). */
export function releaseOptimiser(): void {
  if (!held) return;
  held = false;
  v8.setFlagsFromString('--turbofan');
}
