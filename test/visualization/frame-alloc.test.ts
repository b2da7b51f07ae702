/**
 * frameAt allocates (almost) nothing per frame in the steady state (issue 6, STYLE.md §20): a
 * child process (bench/frame-alloc-probe.ts, with --expose-gc and a 128 MB young generation so no
 * GC runs inside the loop) calls frameAt 2,000 times across every stage and the return after a
 * warm-up and reports heapUsed growth per frame. Before the allocation work this was 3–7 KB per
 * frame (boxed doubles in the visual drawing code); the limit is 64 bytes.
 *
 * Compilation is made as repeatable as V8 allows (--no-concurrent-recompilation), and the best of
 * up to three runs counts: an occasional run lands at ~100 B/frame when a cold path (the character
 * display, a few hundred calls) is still unoptimised; a real regression fails all three.
 * The figure includes the ~16 B/frame any caller pays to pass t (a double) to frameAt.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const PROBE = fileURLToPath(new URL('../../bench/frame-alloc-probe.js', import.meta.url));
const LIMIT = 64;

function probe(kind: string): number {
  const out = execFileSync(process.execPath, [
    '--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128', '--no-concurrent-recompilation', PROBE, kind, '2000',
  ], { encoding: 'utf8' });
  return Number(out.trim());
}

for (const kind of ['random', 'full']) {
  test(`frameAt allocates < ${LIMIT} bytes per frame (${kind} scene, 2,000 frames over the whole timeline)`, (t) => {
    const runs: number[] = [];
    while (runs.length < 3 && !(runs.length > 0 && Math.min(...runs) < LIMIT)) runs.push(probe(kind));
    t.true(runs.every((b) => Number.isFinite(b)), `probe output: ${runs.join(', ')}`);
    t.true(Math.min(...runs) < LIMIT, `bytes per frame: ${runs.map((b) => b.toFixed(1)).join(', ')}`);
  });
}
