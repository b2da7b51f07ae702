/**
 * Where the training view puts things (issue 14), in cells of the element pitch SP, u to the
 * screen-right and v down, on the world XY plane (cell (u, v) at x = −u·SP, y = −v·SP, z = 0,
 * as matrices lie in the visualiser). For the default model (V = 32, S = D = 16, F = 128, B = 4)
 * the whole picture is 294 × 178 cells, 16:9-ish, so every parameter is visible at 1600 × 900:
 *
 *   token embedding   Block 1: W_Q W_K W_V W_O | γ1 β1 γ2 β2 b2     Block 2: …
 *   (V × D)                    W1 (D × F), b1 under it
 *   positional enc.            W2ᵀ (F × D shown as D × F, so every block is one 16-row band)
 *   (S × D)           Block 3: …                                     Block 4: …
 *   loss chart (train and validation, over the whole run)   samples after each epoch
 *
 * Each tile has a fixed colour limit (diverging, blue − / red +) chosen from its kind, not from
 * its values, so growth shows as colour. Blocks are laid two per row; more blocks add rows.
 *
 * Not here: colours, cubes or text per frame (train-view.ts), anything that changes in a run.
 */
import type { ModelConfig } from '../transformer/config.js';
import { allocateWeights } from '../transformer/weights.js';

/** One parameter group placed on screen. */
export interface ParamTile {
  /** .npz key, e.g. `block0_W_Q`. */
  readonly key: string;
  /** Label drawn above the tile ('' for none). */
  readonly label: string;
  /** Offset of the group in the flat parameter vector. */
  readonly offset: number;
  /** Stored shape. */
  readonly rows: number;
  readonly cols: number;
  /** Drawn transposed (stored row r, column c at displayed row c, column r). */
  readonly transposed: boolean;
  /** Top-left cell of the displayed tile. */
  readonly u: number;
  readonly v: number;
  /** Diverging colour limit (fixed for the run). */
  readonly vmax: number;
  /** A 1-row vector (bias, LayerNorm γ/β): drawn as a thin row. */
  readonly thin: boolean;
}

/** A fixed text of the layout (titles). */
export interface LayoutText {
  readonly text: string;
  readonly u: number;
  readonly v: number;
  /** Cell height in cells. */
  readonly size: number;
}

export interface Rect {
  readonly u: number;
  readonly v: number;
  readonly w: number;
  readonly h: number;
}

export interface TrainLayout {
  readonly config: ModelConfig;
  readonly tiles: readonly ParamTile[];
  readonly texts: readonly LayoutText[];
  /** The loss chart's plot area and the samples' panel. */
  readonly chart: Rect;
  readonly samples: Rect;
  /** Extent of everything, in cells. */
  readonly width: number;
  readonly height: number;
}

/** Gap between neighbouring matrices, and around blocks, in cells. */
const GAP = 2;
const BLOCK_GAP_U = 10;
const BLOCK_GAP_V = 13;
/** Room above a tile for its label, and above a block for its title. */
const LABEL_ROOM = 3;
/** Height of the chart / samples band under the model, in cells. */
const BAND = 56;

/**
 * Colour limit per parameter kind: a little above what the weights start at (so they start pale)
 * and near where a trained model's typical weights end (so they end saturated, not clipped flat).
 */
export function colourLimit(name: string): number {
  if (name === 'embedding') return 1.5;
  if (name === 'pos_encoding') return 1.0;
  if (name.startsWith('gamma')) return 2.0;
  if (name.startsWith('beta')) return 0.75;
  if (name === 'b1' || name === 'b2') return 2.0;
  if (name === 'W1' || name === 'W2') return 0.6;
  return 0.8;
}

/** Build the layout for a model config (pure; call once per run). */
export function buildTrainLayout(config: ModelConfig): TrainLayout {
  const groups = allocateWeights(config).groups;
  const D = config.dModel;
  const F = config.dFF;
  const V = config.vocabSize;
  const S = config.seqLen;
  const tiles: ParamTile[] = [];
  const texts: LayoutText[] = [];
  const byKey = new Map(groups.map((g) => [g.key, g]));
  const place = (key: string, label: string, u: number, v: number, transposed = false): void => {
    const g = byKey.get(key)!;
    const name = key.startsWith('block') ? key.slice(key.indexOf('_') + 1) : key;
    tiles.push({
      key, label, offset: g.offset, rows: g.matrix.rows, cols: g.matrix.cols, transposed, u, v,
      vmax: colourLimit(name), thin: g.matrix.rows === 1,
    });
  };

  const top = LABEL_ROOM + 5;
  place('embedding', 'token embedding', 0, top);
  place('pos_encoding', 'positional encoding', 0, top + V + LABEL_ROOM + 3);
  const leftWidth = Math.max(D, 1);
  const attnWidth = 4 * D + 3 * GAP;
  // A block: the attention row (four D × D tiles, then the vectors), W1 and W2ᵀ under it.
  const vecCol = attnWidth + 2 * GAP;
  const blockWidth = Math.max(F, vecCol + 2 * D + 3 * GAP);
  const w1V = D + LABEL_ROOM + 1;
  const b1V = w1V + D + 1;
  const w2V = b1V + 1 + LABEL_ROOM + 1;
  const blockHeight = w2V + D;
  const u0 = leftWidth + BLOCK_GAP_U;
  for (let b = 0; b < config.numBlocks; b++) {
    const bu = u0 + (b % 2) * (blockWidth + BLOCK_GAP_U);
    const bv = top + Math.floor(b / 2) * (blockHeight + LABEL_ROOM + BLOCK_GAP_V);
    texts.push({ text: `Block ${b + 1}`, u: bu, v: bv - LABEL_ROOM - 3, size: 3.4 });
    const k = (n: string): string => `block${b}_${n}`;
    place(k('W_Q'), 'W_Q', bu, bv);
    place(k('W_K'), 'W_K', bu + D + GAP, bv);
    place(k('W_V'), 'W_V', bu + 2 * (D + GAP), bv);
    place(k('W_O'), 'W_O', bu + 3 * (D + GAP), bv);
    const vu = bu + vecCol;
    const vu2 = vu + D + GAP * 2;
    place(k('gamma1'), 'LN1 gain', vu, bv + 1);
    place(k('beta1'), 'LN1 bias', vu, bv + 5);
    place(k('gamma2'), 'LN2 gain', vu2, bv + 1);
    place(k('beta2'), 'LN2 bias', vu2, bv + 5);
    place(k('b2'), 'b2', vu, bv + 10);
    place(k('W1'), 'W1', bu, bv + w1V);
    place(k('b1'), 'b1', bu, bv + b1V);
    place(k('W2'), 'W2ᵀ', bu, bv + w2V, true);
  }
  const blockRows = Math.ceil(config.numBlocks / 2);
  const modelWidth = u0 + Math.min(2, config.numBlocks) * blockWidth + (config.numBlocks > 1 ? BLOCK_GAP_U : 0);
  const modelHeight = Math.max(top + V + S + 2 * LABEL_ROOM + 3, top + blockRows * (blockHeight + LABEL_ROOM + BLOCK_GAP_V));
  const chartW = Math.round(modelWidth * 0.45);
  const chart: Rect = { u: 8, v: modelHeight + 8, w: chartW, h: BAND - 18 };
  const su = chart.u + chartW + 16;
  const samples: Rect = { u: su, v: modelHeight + 2, w: modelWidth - su, h: BAND - 4 };
  return Object.freeze({
    config, tiles: Object.freeze(tiles), texts: Object.freeze(texts), chart, samples,
    width: modelWidth, height: modelHeight + BAND,
  });
}
