/**
 * Audio benchmarks (issue 8): the time to build and render the soundtrack of a complete `hello`
 * generation (1 full + the logits-only steps + the final display, placed on one output clock as
 * the recorder does: full and final at 1×, logits-only at 3×) and of 120 s of generated music.
 * Target: both ≥ 20× faster than real time. Uses weights/charlm.npz when it loads, else the
 * default initialisation (the fixture weights; speed does not depend on the values).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTimeline } from '../src/animation/timeline.js';
import { renderMusic } from '../src/audio/music/music.js';
import type { SceneSound } from '../src/audio/sonification.js';
import { buildSceneSound } from '../src/audio/sonification.js';
import { renderSoundtrack } from '../src/audio/soundtrack.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { precomputeGeneration } from '../src/transformer/generation.js';
import { initWeights } from '../src/transformer/init.js';
import type { Weights } from '../src/transformer/weights.js';
import { loadWeights } from '../src/transformer/weights-file.js';
import type { BenchRow } from './bench-row.js';
import { median } from './bench-row.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function weights(): { w: Weights; note: string } {
  const file = path.join(ROOT, 'weights/charlm.npz');
  if (existsSync(file)) {
    try {
      return { w: loadWeights(file), note: 'weights/charlm.npz' };
    } catch {
      // fall through to the fixture weights
    }
  }
  return { w: initWeights(DEFAULT_CONFIG), note: 'fixture (default-init) weights' };
}

/** CPU seconds of the last `seconds` call (this process, all threads): on a shared machine the
 * wall time includes waiting for a core; the CPU time shows the cost when it has one. */
let lastCpu = 0;

function seconds(fn: () => void, rounds: number): number {
  const xs: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  lastCpu = median(cpu);
  return median(xs);
}

export function bench(): Promise<BenchRow[]> {
  const { w, note } = weights();
  const steps = precomputeGeneration(w, 'hello', { temperature: 0.3 });
  let sounds: SceneSound[] = [];
  const build = (): void => {
    sounds = steps.map((st, i) => {
      const kind = st.kind === 'final' ? 'final' : i === 0 ? 'full' : 'logits';
      const timeline = buildTimeline(kind, { hasCharDisplay: true, numBlocks: w.config.numBlocks });
      return buildSceneSound({ kind, timeline, record: st.record, predPos: st.predPos, sceneIndex: i });
    });
  };
  const buildS = seconds(build, 3);
  const buildCpu = lastCpu;
  let start = 0;
  const scenes = sounds.map((sound) => {
    const speed = sound.kind === 'logits' ? 3 : 1;
    const sc = { sound, speed, startOutputSeconds: start };
    start += sound.duration / speed;
    return sc;
  });
  const total = start;
  const renderS = seconds(() => renderSoundtrack(scenes, total), 3);
  const renderCpu = lastCpu;
  const events = sounds.reduce((n, s) => n + s.events.length, 0);
  const withMusicS = seconds(() => renderSoundtrack(scenes, total, { music: true }), 1);
  const withMusicCpu = lastCpu;
  const musicS = seconds(() => renderMusic({ durationSeconds: 120 }), 3);
  const musicCpu = lastCpu;
  const ratio = (audio: number, s: number): number => audio / s;
  const row = (name: string, audio: number, s: number, cpu: number, extra: string): BenchRow => ({
    name,
    value: ratio(audio, s),
    unit: '×realtime',
    target: '≥ 20',
    ok: ratio(audio, s) >= 20,
    note: `${s.toFixed(2)} s wall (${cpu.toFixed(2)} s CPU = ${ratio(audio, cpu).toFixed(0)}×) for ${audio.toFixed(1)} s; ${extra}`,
  });
  return Promise.resolve([
    row(`hello soundtrack, ${sounds.length} scenes, build + render`, total, buildS + renderS, buildCpu + renderCpu, `${events} events, build ${buildS.toFixed(2)} s, ${note}`),
    row('hello soundtrack with --music', total, buildS + withMusicS, buildCpu + withMusicCpu, 'music rendered for the whole length'),
    row('music, 120 s', 120, musicS, musicCpu, '15 layers + master'),
  ]);
}
