/**
 * Stage lists per scene kind (spec §4.3) and the stage-name overlay titles (spec §7.5 table).
 * Just names and compute-group counts; durations come from timeline.ts, pictures from
 * visualization/. Block stages are derived from the number of blocks B, so B ≠ 4 works (the
 * reference hard-codes four, spec §11.3 #10): the full pipeline shows block 1 in detail (the stages
 * qkv_projection … output) and then block_2 … block_B as in-place transitions; the logits-only scene
 * flashes block_1 … block_B.
 */

/** Which scene a timeline belongs to (spec §3.3). */
export type SceneKind = 'full' | 'random' | 'logits' | 'final';

/** Every stage name; `block_k` for k = 1 … B. */
export type StageName =
  | 'char_display'
  | 'input'
  | 'qkv_projection'
  | 'multi_head_attn'
  | 'concat_output_proj'
  | 'residual_ln1'
  | 'ffn'
  | 'residual_ln2'
  | 'output'
  | `block_${number}`
  | 'output_projection'
  | 'token_probs';

/** One entry of a stage list: the stage and its number of compute groups. */
export interface StageSpec {
  readonly name: StageName;
  readonly groups: number;
}

export interface StageListOptions {
  /** Number of transformer blocks B (≥ 1). Default 4. */
  readonly numBlocks?: number;
  /**
   * Whether the scene starts with the character display (spec §4.3: whenever the input has at
   * least one real character). Ignored for 'final', which is the character display alone.
   */
  readonly hasCharDisplay: boolean;
}

/** The block stage name for block k (1-based). */
export function blockStage(k: number): StageName {
  return `block_${k}`;
}

/** Block number of a `block_k` stage name, or 0 for any other stage. */
export function blockNumber(name: string): number {
  const m = /^block_(\d+)$/.exec(name);
  return m === null ? 0 : Number(m[1]);
}

function checkBlocks(numBlocks: number): number {
  if (!Number.isInteger(numBlocks) || numBlocks < 1) {
    throw new RangeError(`numBlocks must be a positive integer (got ${numBlocks})`);
  }
  return numBlocks;
}

/**
 * The stage list of a scene kind (spec §4.3), in playing order.
 *
 * @example
 * stageList('logits', {numBlocks: 2, hasCharDisplay: true}).map((s) => s.name)
 * // → ['char_display', 'input', 'block_1', 'block_2', 'output_projection', 'token_probs']
 */
export function stageList(kind: SceneKind, options: StageListOptions): readonly StageSpec[] {
  const B = checkBlocks(options.numBlocks ?? 4);
  const out: StageSpec[] = [];
  const chars = (): void => {
    out.push({ name: 'char_display', groups: 1 });
  };
  switch (kind) {
    case 'final':
      chars();
      break;
    case 'logits':
      if (options.hasCharDisplay) chars();
      out.push({ name: 'input', groups: 0 });
      for (let k = 1; k <= B; k++) out.push({ name: blockStage(k), groups: 0 });
      out.push({ name: 'output_projection', groups: 0 }, { name: 'token_probs', groups: 3 });
      break;
    case 'full':
    case 'random':
      if (options.hasCharDisplay) chars();
      out.push(
        { name: 'input', groups: 0 },
        { name: 'qkv_projection', groups: 1 },
        { name: 'multi_head_attn', groups: 3 },
        { name: 'concat_output_proj', groups: 1 },
        { name: 'residual_ln1', groups: 2 },
        { name: 'ffn', groups: 3 },
        { name: 'residual_ln2', groups: 2 },
        { name: 'output', groups: 0 },
      );
      for (let k = 2; k <= B; k++) out.push({ name: blockStage(k), groups: 1 });
      if (kind === 'full') {
        out.push({ name: 'output_projection', groups: 1 }, { name: 'token_probs', groups: 3 });
      }
      break;
  }
  return Object.freeze(out.map((s) => Object.freeze(s)));
}

const TITLES: Readonly<Record<string, string>> = {
  char_display: 'Input Characters',
  input: 'Input Embeddings',
  qkv_projection: 'QKV Projection',
  multi_head_attn: 'Multi-Head Attention',
  concat_output_proj: 'Concat + Output Projection',
  residual_ln1: 'Residual + LayerNorm 1',
  ffn: 'Feed-Forward Network',
  residual_ln2: 'Residual + LayerNorm 2',
  output: 'Block 1 Output',
  output_projection: 'Vocabulary Projection',
  token_probs: 'Token Probabilities',
};

/**
 * The overlay title of a stage (spec §7.5): e.g. 'Vocabulary Projection', 'Block 3'.
 *
 * @example stageTitle('block_3') // → 'Block 3'
 */
export function stageTitle(name: StageName): string {
  const k = blockNumber(name);
  if (k > 0) return `Block ${k}`;
  return TITLES[name] ?? name;
}

/** What each compute group of a stage does (issue 17 status line), in the text layout's markup. */
const SUB_OPS: Readonly<Record<string, readonly string[]>> = {
  char_display: ['the characters fly into the rows'],
  qkv_projection: ['X·W_{Q}, X·W_{K}, X·W_{V}'],
  multi_head_attn: ['Q·K^{T} / √d_{k} per head, causal mask', 'softmax of each row', 'weights·V'],
  concat_output_proj: ['concat of the heads · W_{O}'],
  residual_ln1: ['X + Attn Out (residual)', 'LayerNorm of each row'],
  ffn: ['LN1·W1 + b1', 'ReLU', 'hidden·W2 + b2'],
  residual_ln2: ['LN1 + FFN Out (residual)', 'LayerNorm of each row'],
  output_projection: ['output·Embed^{T} → logits'],
  token_probs: ['softmax(logits / T)', 'the prediction row', 'the chosen token'],
};

/**
 * The sub-operation of a stage's compute group g (markup), or '' when the stage has none.
 *
 * @example subOperation('multi_head_attn', 0) // → 'Q·K^{T} / √d_{k} per head, causal mask'
 */
export function subOperation(name: StageName, g: number): string {
  if (blockNumber(name) > 0) return 'the next block turns this block\'s output into its own';
  return SUB_OPS[name]?.[Math.max(0, g)] ?? '';
}
