/**
 * The optimising compiler held back until the first frame (app/startup-jit.ts): while held, a hot
 * function gets no TurboFan code; once released, it does. Where V8 has Maglev by default
 * (Node ≥ 22) nothing is held. Checked in a child process with V8's own optimisation status
 * (--allow-natives-syntax), so the test runner's V8 is left alone.
 */
import { spawnSync } from 'node:child_process';
import test from 'ava';

/** %GetOptimizationStatus bit: the function runs TurboFan code (V8 11 and 13 alike). */
const TURBOFANNED = 1 << 6;
/** %GetOptimizationStatus bit: optimised code of either compiler. */
const OPTIMIZED = 1 << 4;
const MAGLEV_BY_DEFAULT = Number(process.versions.v8.split('.')[0]) >= 12;

test('holdOptimiser keeps TurboFan off a hot function (V8 < 12); releaseOptimiser lets it optimise', (t) => {
  const script = `
    const { holdOptimiser, releaseOptimiser } = await import(${JSON.stringify(new URL('../../src/app/startup-jit.js', import.meta.url).href)});
    function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i) * 1.0001; return s; }
    const status = () => eval('%GetOptimizationStatus(hot)');
    holdOptimiser();
    holdOptimiser();
    for (let k = 0; k < 3000; k++) hot(2000);
    await new Promise((r) => setTimeout(r, 50));
    for (let k = 0; k < 100; k++) hot(2000);
    const held = status();
    releaseOptimiser();
    let released = status();
    // TurboFan compiles on a background thread: call it until its code is in (or give up).
    for (let round = 0; round < 200 && (released & ${TURBOFANNED}) === 0; round++) {
      for (let k = 0; k < 200; k++) hot(2000);
      await new Promise((r) => setTimeout(r, 5));
      released = status();
    }
    console.log(JSON.stringify({ held, released }));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  const { held, released } = JSON.parse(r.stdout) as { held: number; released: number };
  if (MAGLEV_BY_DEFAULT) t.not(held & OPTIMIZED, 0, `V8 ${process.versions.v8}: not held, so optimised (status ${held.toString(2)})`);
  else t.is(held & TURBOFANNED, 0, `held: status ${held.toString(2)}`);
  t.not(released & TURBOFANNED, 0, `released: status ${released.toString(2)}`);
});
