/**
 * frameAt allocates (almost) nothing per frame in the steady state (issue 6, STYLE.md §20): a
 * child process (bench/frame-alloc-probe.ts, with --expose-gc and a 128 MB young generation so no
 * GC runs inside the loop) calls frameAt 2,000 times across every stage and the return after a
 * warm-up and reports heapUsed growth per frame. Before the allocation work this was 3–7 KB per
 * frame (boxed doubles in the visual drawing code); the limit is 64 bytes.
 *
 * Compilation order is made deterministic (--no-concurrent-recompilation) so the figure does not
 * depend on when background compiles finish.
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
    const bytes = probe(kind);
    t.true(Number.isFinite(bytes), `probe output: ${bytes}`);
    t.true(bytes < LIMIT, `${bytes.toFixed(1)} bytes per frame`);
  });
}
