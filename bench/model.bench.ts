/**
 * Model benchmarks (issue 3): one CharLM forward pass of a 16-token sequence through the 4-block
 * default model on the allocation-free path (`forwardInto` over a preallocated record) with the
 * WebAssembly SIMD kernels (wasm-forward.ts) and, for comparison, with the JS operators they
 * replace (the fallback); the record-allocating `forward`; a full `hello` generation (spec §3.2:
 * 11 prediction steps + the final pass at S = 16). Weights are the default initialisation; speed
 * does not depend on the values. Reports medians of many batches, so load from other processes
 * shows up as spread rather than as the median; the target is checked on process CPU time, which
 * excludes waiting for a core on the shared 2-core machine (wall time is reported next to it).
 */
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { precomputeGeneration } from '../src/transformer/generation.js';
import { initWeights } from '../src/transformer/init.js';
import { createForwardRecord, forward, forwardInto } from '../src/transformer/model.js';
import { encode } from '../src/transformer/vocab.js';
import type { BenchRow } from './bench-row.js';
import { median } from './bench-row.js';

/**
 * Wall and process CPU time per call (medians over batches, µs). On a shared 2-core machine the
 * CPU time shows what one pass costs when it has a core; the wall time includes waiting for one.
 */
function perCall(fn: () => void, rounds: number, per: number): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < per; i++) fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e3 / per);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / per);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

export function bench(): Promise<BenchRow[]> {
  const weights = initWeights(DEFAULT_CONFIG);
  const ids = encode('hello world', DEFAULT_CONFIG.seqLen);
  const record = createForwardRecord(weights);
  const jsRecord = createForwardRecord(weights, true, 'js');
  const greedy = { temperature: 0 };
  const sampled = { temperature: 0.3 };
  // warm-up: let the JIT (and wasm tier-up) settle
  for (let i = 0; i < 3000; i++) forwardInto(record, weights, ids, sampled);
  for (let i = 0; i < 1000; i++) forwardInto(jsRecord, weights, ids, sampled);
  const fwd = perCall(() => forwardInto(record, weights, ids, greedy), 200, 50);
  const fwdSampled = perCall(() => forwardInto(record, weights, ids, sampled), 200, 50);
  const fwdJs = perCall(() => forwardInto(jsRecord, weights, ids, greedy), 60, 20);
  const fwdAlloc = perCall(() => void forward(weights, ids, sampled), 100, 20);
  for (let i = 0; i < 5; i++) precomputeGeneration(weights, 'hello', sampled);
  const gen = perCall(() => void precomputeGeneration(weights, 'hello', sampled), 30, 3);
  const target = 50;
  const wall = (t: { wall: number }): string => `wall ${t.wall.toFixed(1)} µs`;
  return Promise.resolve([
    {
      name: 'forward, 16 tokens, 4 blocks (T = 0, preallocated), CPU time',
      value: fwd.cpu,
      unit: 'µs',
      target: `< ${target} µs`,
      ok: fwd.cpu < target,
      note: wall(fwd),
    },
    { name: 'forward, same, T = 0.3 sampling, CPU time', value: fwdSampled.cpu, unit: 'µs', note: wall(fwdSampled) },
    { name: 'forward, same, JS operators (fallback), CPU time', value: fwdJs.cpu, unit: 'µs', note: wall(fwdJs) },
    { name: 'forward with a fresh record (allocating), CPU time', value: fwdAlloc.cpu, unit: 'µs', note: wall(fwdAlloc) },
    { name: "generation 'hello' (12 forward passes), CPU time", value: gen.cpu / 1000, unit: 'ms', note: `wall ${(gen.wall / 1000).toFixed(2)} ms` },
  ]);
}
