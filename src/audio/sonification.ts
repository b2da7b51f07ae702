/**
 * Scene → sonification events (spec §10.1.4): which stage triggers which event generator, on
 * which matrices of the forward record, over which span of the stage (appear, compute, compute
 * group). The result, a `SceneSound`, is pure data: the time-sorted event list plus the scene's
 * duration and normalisation peak. The live player (player.ts) and the recording's soundtrack
 * (soundtrack.ts) both play this same list, so what you hear in the window is what is recorded.
 *
 * Deliberate differences from the reference (spec §11.3):
 * - #4: the `output` stage sounds block 1's output (what is drawn), not the last block's.
 * - In logits-only scenes `block_k` sounds block k's output, the matrix the picture flies
 *   (the reference sounded the previous block's output / the embeddings for block_1).
 * - The kind/duration stream (seed 777) is seeded per scene (777 mixed with the scene index)
 *   instead of continuing across scenes, so a scene sounds the same whether it is reached by
 *   playing, by jumping, or in a recording.
 *
 * Not here: synthesis (render.ts), time compression for playback speed (applied by consumers).
 */
import type { ForwardRecord } from '../transformer/activations.js';
import type { Matrix } from '../transformer/tensor.js';
import type { SoundEvent } from './events.js';
import {
  addEvents, appearEvents, argmaxEvents, EventSink, layerNormEvents, matmulEvents, reluEvents,
  rowSelectEvents, softmaxEvents,
} from './events.js';
import { mixSeed } from './random.js';

/** The scene kinds of spec §3.3 (structurally the same union as animation/stages.ts SceneKind). */
export type SoundSceneKind = 'full' | 'random' | 'logits' | 'final';

/** What the sonifier needs of a timeline stage (a structural subset of animation's Stage). */
export interface TimedStage {
  readonly name: string;
  /** Timeline seconds. */
  readonly start: number;
  readonly appear: number;
  readonly compute: number;
  /** Compute-group segments as fractions [from, to] of the compute phase. */
  readonly segments: readonly (readonly [number, number])[];
}

/** What the sonifier needs of a timeline (a structural subset of animation's Timeline). */
export interface SoundTimeline {
  readonly stages: readonly TimedStage[];
  /** End of the last stage (timeline s). */
  readonly total: number;
  /** Return phase after `total` (1.3 s; 0 for the final display). Silent. */
  readonly returnDuration: number;
}

/** One scene's sound as data. Events are sorted by time; their index seeds their rendering. */
export interface SceneSound {
  readonly kind: SoundSceneKind;
  readonly events: readonly SoundEvent[];
  /** total + return (timeline s): the scene's length. */
  readonly duration: number;
  /** Peak-normalisation target: 0.30 for logits-only scenes, else 0.85 (spec §10.1.5). */
  readonly peak: number;
  /** Seed of the rendering generator (42 in the reference); event i renders with mixSeed(seed, i). */
  readonly renderSeed: number;
}

export interface SceneSoundInput {
  readonly kind: SoundSceneKind;
  readonly timeline: SoundTimeline;
  readonly record: ForwardRecord;
  /** Row whose prediction matters (spec §3.2); −1 means the last row. */
  readonly predPos: number;
  /** Position of the scene in the generation (0 = first); seeds the kind/duration stream. */
  readonly sceneIndex?: number;
}

export const KIND_SEED = 777;
export const RENDER_SEED = 42;

/** Columns [c0, c1) of m as a new matrix (a head's slice of Q, K or V). */
function columns(m: Matrix, c0: number, c1: number): Matrix {
  const cols = c1 - c0;
  const data = new Float32Array(m.rows * cols);
  for (let r = 0; r < m.rows; r++) data.set(m.data.subarray(r * m.cols + c0, r * m.cols + c1), r * cols);
  return { rows: m.rows, cols, data };
}

function transpose(m: Matrix): Matrix {
  const data = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) data[c * m.rows + r] = m.data[r * m.cols + c]!;
  return { rows: m.cols, cols: m.rows, data };
}

/** Row 0 of m as a 1-row matrix (the character display sounds only the first row of X). */
function firstRow(m: Matrix): Matrix {
  return { rows: 1, cols: m.cols, data: m.data.subarray(0, m.cols) };
}

/** Spans of a stage: appear, compute, and compute group i (segment × compute). */
interface Spans {
  readonly a0: number;
  readonly ad: number;
  readonly c0: number;
  readonly cd: number;
  group(i: number): readonly [number, number];
}

function spansOf(s: TimedStage): Spans {
  const c0 = s.start + s.appear;
  return {
    a0: s.start,
    ad: s.appear,
    c0,
    cd: s.compute,
    group(i: number): readonly [number, number] {
      const seg = s.segments[i] ?? [0, 1];
      return [c0 + seg[0] * s.compute, (seg[1] - seg[0]) * s.compute];
    },
  };
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`sonification: the forward record has no ${what}`);
  return v;
}

/**
 * A residual + LayerNorm stage: the skip and branch operands arrive (appear), group 0 adds them,
 * group 1 normalises the sum.
 */
function residualLayerNormEvents(
  sink: EventSink, sp: Spans, hasCompute: boolean, skip: Matrix, branch: Matrix, sum: Matrix, normed: Matrix,
): void {
  appearEvents(sink, skip, sp.a0, sp.ad);
  appearEvents(sink, branch, sp.a0, sp.ad);
  if (!hasCompute) return;
  const [g0, d0] = sp.group(0);
  addEvents(sink, skip, branch, sum, g0, d0);
  const [g1, d1] = sp.group(1);
  layerNormEvents(sink, sum, normed, g1, d1);
}

/** Events of one stage into the sink (spec §10.1.4 table). */
function stageEvents(sink: EventSink, stage: TimedStage, input: SceneSoundInput): void {
  const rec = input.record;
  const sp = spansOf(stage);
  const X = rec.blockInput;
  const b0 = rec.blocks[0];
  const cfg = rec.config;
  const hasCompute = sp.cd > 0;
  const name = stage.name;
  if (name === 'char_display') {
    appearEvents(sink, firstRow(X), sp.a0, sp.ad);
    return;
  }
  if (name === 'input') return; // silent
  const blockK = /^block_(\d+)$/.exec(name);
  if (blockK !== null) {
    const k = Number(blockK[1]);
    const blocks = rec.blocks;
    if (input.kind === 'logits') {
      // Logits-only: the flying matrix shows block k's output; compute is 0.
      const b = blocks[k - 1];
      if (b !== undefined) appearEvents(sink, b.output, sp.a0, sp.ad);
      return;
    }
    const prev = blocks[k - 2];
    const cur = blocks[k - 1];
    if (prev === undefined || cur === undefined) return;
    appearEvents(sink, prev.output, sp.a0, sp.ad);
    if (hasCompute) softmaxEvents(sink, prev.output, cur.output, sp.c0, sp.cd);
    return;
  }
  if (name === 'output_projection') {
    const logits = need(rec.logits, 'logits');
    if (input.kind === 'logits') {
      appearEvents(sink, logits, sp.a0, sp.ad);
      return;
    }
    appearEvents(sink, rec.output, sp.a0, sp.ad);
    if (hasCompute) matmulEvents(sink, rec.output, need(rec.W_out, 'W_out (Eᵀ)'), logits, sp.c0, sp.cd);
    return;
  }
  if (name === 'token_probs') {
    const logits = need(rec.logits, 'logits');
    const probs = need(rec.probs, 'probs');
    appearEvents(sink, logits, sp.a0, sp.ad);
    if (!hasCompute) return;
    const [g0, d0] = sp.group(0);
    softmaxEvents(sink, logits, probs, g0, d0);
    const [g1, d1] = sp.group(1);
    rowSelectEvents(sink, probs, input.predPos, g1, d1);
    const [g2, d2] = sp.group(2);
    argmaxEvents(sink, probs, input.predPos, g2, d2);
    return;
  }
  if (b0 === undefined) return;
  const w = b0.weights;
  switch (name) {
    case 'qkv_projection':
      appearEvents(sink, b0.input, sp.a0, sp.ad);
      if (!hasCompute) return;
      matmulEvents(sink, b0.input, w.W_Q, b0.Q, sp.c0, sp.cd);
      matmulEvents(sink, b0.input, w.W_K, b0.K, sp.c0, sp.cd);
      matmulEvents(sink, b0.input, w.W_V, b0.V, sp.c0, sp.cd);
      return;
    case 'multi_head_attn': {
      const dk = cfg.dK;
      const heads = b0.attention_scores.length;
      const Qh: Matrix[] = [];
      const Kh: Matrix[] = [];
      const Vh: Matrix[] = [];
      for (let h = 0; h < heads; h++) {
        Qh.push(columns(b0.Q, h * dk, (h + 1) * dk));
        Kh.push(columns(b0.K, h * dk, (h + 1) * dk));
        Vh.push(columns(b0.V, h * dk, (h + 1) * dk));
        appearEvents(sink, Qh[h]!, sp.a0, sp.ad);
        appearEvents(sink, Kh[h]!, sp.a0, sp.ad);
      }
      if (!hasCompute) return;
      const [g0, d0] = sp.group(0);
      const [g1, d1] = sp.group(1);
      const [g2, d2] = sp.group(2);
      for (let h = 0; h < heads; h++) {
        matmulEvents(sink, Qh[h]!, transpose(Kh[h]!), b0.attention_scores[h]!, g0, d0);
        softmaxEvents(sink, b0.attention_scores[h]!, b0.attention_weights[h]!, g1, d1);
        matmulEvents(sink, b0.attention_weights[h]!, Vh[h]!, b0.head_outputs[h]!, g2, d2);
      }
      return;
    }
    case 'concat_output_proj':
      appearEvents(sink, b0.concat, sp.a0, sp.ad);
      if (hasCompute) matmulEvents(sink, b0.concat, w.W_O, b0.attn_output, sp.c0, sp.cd);
      return;
    case 'residual_ln1':
      residualLayerNormEvents(sink, sp, hasCompute, b0.input, b0.attn_output, b0.residual1, b0.layernorm1);
      return;
    case 'ffn': {
      appearEvents(sink, b0.layernorm1, sp.a0, sp.ad);
      if (!hasCompute) return;
      const [g0, d0] = sp.group(0);
      matmulEvents(sink, b0.layernorm1, w.W1, b0.ffn_pre_relu, g0, d0);
      const [g1, d1] = sp.group(1);
      reluEvents(sink, b0.ffn_pre_relu, b0.ffn_hidden, g1, d1);
      // Group 2 spends its first 20 % flying W2 in (silent); the product sounds over the rest.
      const [g2, d2] = sp.group(2);
      matmulEvents(sink, b0.ffn_hidden, w.W2, b0.ffn_output, g2 + 0.2 * d2, 0.8 * d2);
      return;
    }
    case 'residual_ln2':
      residualLayerNormEvents(sink, sp, hasCompute, b0.layernorm1, b0.ffn_output, b0.residual2, b0.layernorm2);
      return;
    case 'output':
      // Fix of spec §11.3 #4: sound block 1's output, which is what this stage draws.
      appearEvents(sink, b0.output, sp.a0, sp.ad);
      return;
    default:
      return; // a stage without sound
  }
}

/**
 * Build the event list of one scene. Pure and deterministic: the same input gives the same list.
 *
 * @example
 * const sound = buildSceneSound({ kind: 'full', timeline, record, predPos: 4, sceneIndex: 0 });
 * sound.events[0].time; // first char_display event, in timeline seconds
 */
export function buildSceneSound(input: SceneSoundInput): SceneSound {
  const sceneIndex = input.sceneIndex ?? 0;
  const sink = new EventSink(mixSeed(KIND_SEED, sceneIndex));
  for (const stage of input.timeline.stages) stageEvents(sink, stage, input);
  const total = input.timeline.total;
  // Nothing sounds in the return phase; array sort is stable, so equal times keep their order.
  const events = sink.events.filter((e) => e.time >= 0 && e.time < total).sort((a, b) => a.time - b.time);
  return {
    kind: input.kind,
    events,
    duration: total + input.timeline.returnDuration,
    peak: input.kind === 'logits' ? 0.3 : 0.85,
    renderSeed: mixSeed(RENDER_SEED, sceneIndex),
  };
}
