/**
 * Model benchmarks (issue 3): one CharLM forward pass of a 16-token sequence through the 4-block
 * default model on the allocation-free path (`forwardInto` over a preallocated record), the
 * record-allocating `forward`, and a full `hello` generation (spec §3.2: 11 prediction steps +
 * the final pass at S = 16). Weights are the default initialisation; speed does not depend on
 * the values. Reports medians of many batches, so load from other processes shows up as spread
 * rather than as the median.
 */
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { precomputeGeneration } from '../src/transformer/generation.js';
import { initWeights } from '../src/transformer/init.js';
import { createForwardRecord, forward, forwardInto } from '../src/transformer/model.js';
import { encode } from '../src/transformer/vocab.js';
import type { BenchRow } from './bench-row.js';
import { median } from './bench-row.js';

/** Median over `rounds` batches of `per` calls of the time per call, in µs. */
function perCallMicros(fn: () => void, rounds: number, per: number): number {
  return perCall(fn, rounds, per).wall;
}

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
  const greedy = { temperature: 0 };
  const sampled = { temperature: 0.3 };
  // warm-up: let the JIT settle
  for (let i = 0; i < 3000; i++) forwardInto(record, weights, ids, sampled);
  const { wall: fwd, cpu: fwdCpu } = perCall(() => forwardInto(record, weights, ids, greedy), 200, 50);
  const fwdSampled = perCallMicros(() => forwardInto(record, weights, ids, sampled), 200, 50);
  const fwdAlloc = perCallMicros(() => void forward(weights, ids, sampled), 100, 20);
  for (let i = 0; i < 5; i++) precomputeGeneration(weights, 'hello', sampled);
  const gen = perCallMicros(() => void precomputeGeneration(weights, 'hello', sampled), 30, 3) / 1000;
  const target = 50;
  return Promise.resolve([
    {
      name: 'forward, 16 tokens, 4 blocks (T = 0, preallocated)',
      value: fwd,
      unit: 'µs',
      target: `< ${target} µs`,
      ok: fwd < target,
    },
    { name: 'forward, same, process CPU time per pass', value: fwdCpu, unit: 'µs', note: 'excludes waiting for a core' },
    { name: 'forward, 16 tokens, 4 blocks (T = 0.3 sampling)', value: fwdSampled, unit: 'µs' },
    { name: 'forward with a fresh record (allocating)', value: fwdAlloc, unit: 'µs' },
    { name: "generation 'hello' (12 forward passes)", value: gen, unit: 'ms' },
  ]);
}
