/**
 * Stage speed tables (spec §4.2): how fast each stage of the animation plays. Plain data that a
 * user may edit to taste — this file is the one place to slow down a stage you want to study or to
 * hurry through one you have seen enough of.
 *
 * How to read an entry: every number is a SPEED, so higher = faster.
 *   appear  — speed of the stage's appear phase   (duration = 2.0 s / appear),
 *   settle  — speed of its settle phase            (duration = 1.0 s / settle),
 *   compute — one speed per compute group          (group duration = 2.5 s / speed).
 * A missing appear/settle means 1.0; a missing compute list means 1.0 for every group; a list
 * shorter than the stage's group count is padded with 1.0, a longer one is cut. Speeds below 0.01
 * in a compute list count as 0.01. `block` applies to every `block_k` stage that has no entry of
 * its own (add e.g. `block_3: {...}` to treat one block differently).
 *
 * LOGITS_ONLY_SPEED replaces STAGE_SPEED's entry (when it has one) in the abbreviated logits-only
 * scenes of the generation steps after the first; LOGITS_ONLY_RATE is the extra playback-rate
 * factor those scenes get on top of the user's speed (the reference plays them at 3×).
 *
 * This is not where durations are computed: see timeline.ts (buildTimeline).
 */
import { UserError } from '../errors.js';

/** Speeds for one stage (higher = faster). */
export interface StageSpeed {
  readonly appear?: number;
  readonly settle?: number;
  readonly compute?: readonly number[];
}

/** Stage name (or `block`) → speeds. */
export type SpeedTable = Readonly<Record<string, StageSpeed>>;

/** The two tables a timeline is built from. */
export interface SpeedTables {
  readonly stage: SpeedTable;
  readonly logitsOnly: SpeedTable;
}

/** Full-pipeline speeds (spec §4.2 `STAGE_SPEED`). */
export const STAGE_SPEED: SpeedTable = {
  char_display: { appear: 2.0, settle: 1.5, compute: [2.5] },
  input: { appear: 1.0, settle: 0.5 },
  qkv_projection: { appear: 1.0, settle: 1.0, compute: [0.6] }, // the three matmuls in parallel
  multi_head_attn: { appear: 1.0, settle: 1.0, compute: [1.0, 1.0, 0.7] }, // Q·Kᵀ, softmax, weights·V
  concat_output_proj: { appear: 1.0, settle: 1.0, compute: [0.6] },
  residual_ln1: { appear: 1.0, settle: 1.0, compute: [1.0, 1.0] }, // add, LayerNorm
  ffn: { appear: 1.0, settle: 1.0, compute: [0.25, 1.0, 0.25] }, // ×W1, ReLU, ×W2
  residual_ln2: { appear: 1.0, settle: 1.3, compute: [1.0, 1.0] },
  output: { appear: 2.0, settle: 2.0 },
  block: { appear: 1.5, settle: 1.5, compute: [1.5] }, // every block_k
  output_projection: { appear: 1.0, settle: 1.0, compute: [0.4] },
  token_probs: { appear: 1.0, settle: 2.0, compute: [1.0, 2.0, 2.0] }, // softmax, row select, argmax
};

/** Logits-only scene speeds (spec §4.2 `LOGITS_ONLY_SPEED`); other stages use STAGE_SPEED. */
export const LOGITS_ONLY_SPEED: SpeedTable = {
  block: { appear: 6.0, settle: 3.0 },
  output_projection: { appear: 6.0, settle: 3.0 },
  token_probs: { appear: 6.0, settle: 3.0, compute: [6.0, 6.0, 6.0] },
};

/** Extra playback rate of logits-only scenes (multiplies the user's speed; spec §4.5: 3.0). */
export const LOGITS_ONLY_RATE = 3.0;

/** The default tables. */
export const DEFAULT_SPEEDS: SpeedTables = { stage: STAGE_SPEED, logitsOnly: LOGITS_ONLY_SPEED };

const BLOCK_NAME = /^block_\d+$/;

/**
 * The entry for `name` in `table`: its own entry, else `block` for a `block_k` stage, else undefined.
 *
 * @example speedEntry(STAGE_SPEED, 'block_3') // → STAGE_SPEED.block
 */
export function speedEntry(table: SpeedTable, name: string): StageSpeed | undefined {
  const own = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (own !== undefined) return own;
  if (BLOCK_NAME.test(name) && Object.prototype.hasOwnProperty.call(table, 'block')) return table.block;
  return undefined;
}

function checkSpeed(stage: string, field: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new UserError(`speed table: '${stage}' ${field} must be a positive number (got ${String(v)})`, {
      hint: 'edit src/animation/speeds.ts (higher = faster)',
    });
  }
  return v;
}

/** Resolved speeds of one stage with g compute groups (defaults, padding and truncation applied). */
export interface ResolvedSpeed {
  readonly appear: number;
  readonly settle: number;
  readonly compute: readonly number[];
}

/**
 * Resolve the speeds of stage `name` with `groups` compute groups from an entry (spec §4.2 rules).
 * Throws a UserError naming the stage for a non-positive or non-numeric appear/settle/compute speed.
 *
 * @example resolveSpeed('ffn', 3, STAGE_SPEED.ffn) // → {appear: 1, settle: 1, compute: [0.25, 1, 0.25]}
 */
export function resolveSpeed(name: string, groups: number, entry: StageSpeed | undefined): ResolvedSpeed {
  const appear = checkSpeed(name, 'appear', entry?.appear ?? 1.0);
  const settle = checkSpeed(name, 'settle', entry?.settle ?? 1.0);
  const list = entry?.compute ?? [];
  const compute: number[] = [];
  for (let i = 0; i < groups; i++) {
    const c = i < list.length ? list[i] : 1.0;
    if (typeof c !== 'number' || !Number.isFinite(c)) {
      throw new UserError(`speed table: '${name}' compute[${i}] must be a finite number (got ${String(c)})`, {
        hint: 'edit src/animation/speeds.ts (higher = faster)',
      });
    }
    compute.push(c);
  }
  return { appear, settle, compute };
}
