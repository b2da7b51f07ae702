/**
 * The inspector's words (issue 17): a picked cell (pick.ts) → what it is (the fixtures' key,
 * block, head, stored [row, col], the token(s) of its row/column), the model's own value, and the
 * formula that produced it with its real operands (matmul terms, the softmax row, LayerNorm's μ/σ/γ/β,
 * ReLU, the residual add, the causal mask, the temperature of the token probabilities), plus which
 * cubes of the same visual are its operands (for the highlight).
 *
 * Text uses the text layout's markup (`W_{Q}`, `K^{T}`); `plainText` turns it into the JSON form
 * (`W_Q`, `Kᵀ`). Build-time-free but not allocation-free: it runs when the pointer moves onto a new
 * cell, not per frame. What it is not: picking (pick.ts), drawing (inspect-draw.ts).
 */
import { PAD_ID, TOKENS } from '../transformer/vocab.js';
import { LN_EPS } from '../transformer/kernels.js';
import type { Formula, InspectPart, MatrixRef } from './inspect-refs.js';
import { storedIndex } from './inspect-refs.js';
import type { PickHit } from './pick.js';
import type { Scene } from './scene.js';
import type { Placed } from './visual-types.js';
import { vmaxOf } from './colormap.js';

/** Cells of a placed grid to keep lit: a whole row (col −1), a whole column (row −1) or one cell. */
export interface Highlight {
  readonly placed: Placed;
  readonly row: number;
  readonly col: number;
}

export interface Inspection {
  /** The golden fixtures' key (`Q`, `attention_scores`, `W_Q`, `logits`, `probs`, …). */
  readonly matrix: string;
  /** On-screen name, plain text. */
  readonly label: string;
  readonly block: number | null;
  readonly head: number | null;
  /** Index as the fixture stores the matrix (per head for per-head matrices). */
  readonly row: number;
  readonly col: number;
  /** Token of the row (and of the column for attention), as the vocabulary spells it; null in random mode or for weights. */
  readonly token: string | null;
  readonly colToken: string | null;
  /** The model's own number. */
  readonly value: number;
  /** The formula with its operands, plain text, or null for a given matrix (weights, random input). */
  readonly formula: string | null;
  /** Tooltip lines (markup). */
  readonly lines: readonly string[];
  /** The picked cell and its operands in the scene. */
  readonly cell: Highlight;
  readonly highlights: readonly Highlight[];
}

/**
 * Markup → plain text: `_{x}` → `_x`, `^{T}` → `ᵀ`, `^{x}` → `^x`.
 * @example plainText('W_{Q}·K^{T}') // → 'W_Q·Kᵀ'
 */
export function plainText(s: string): string {
  return s.replace(/\^\{T\}/g, 'ᵀ').replace(/([_^])\{([^}]*)\}/g, '$1$2');
}

/**
 * 4 significant digits, no exponent below 1e5 (`0.4213`, `-12.35`, `-1e+9`).
 * @example fmt(0.421337) // → '0.4213'
 */
export function fmt(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e5) return v.toExponential(0);
  const s = v.toPrecision(4);
  return s.includes('e') ? String(Number(s)) : s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** A term in a sum: negative numbers in parentheses. */
const term = (v: number): string => (v < 0 ? `(${fmt(v)})` : fmt(v));

/** How a token reads on screen: `␣` for the space, `PAD` for padding. */
export function tokenText(id: number): string {
  if (id === PAD_ID) return 'PAD';
  const t = TOKENS[id] ?? '?';
  return t === ' ' ? '␣' : t;
}

const at = (m: MatrixRef, r: number, c: number): number => m.values.data[r * m.values.cols + c]!;
const name = (m: MatrixRef): string => (m.head !== null && m.key !== 'head_outputs' ? `${m.label}_{h${m.head}}` : m.label);
const idx = (m: MatrixRef, r: number | string, c: number | string): string => `${name(m)}[${r},${c}]`;

/** The formula lines (markup) of element (r, c) of `ref`, and its operand highlights within `parts`. */
function formulaOf(
  ref: MatrixRef, f: Formula, r: number, c: number, value: number, parts: readonly InspectPart[], hl: Highlight[],
): string[] {
  const find = (m: MatrixRef): Placed | undefined => parts.find((p) => p.ref === m)?.placed;
  const lit = (m: MatrixRef, row: number, col: number): void => {
    const p = find(m);
    if (p !== undefined) hl.push({ placed: p, row, col });
  };
  const me = idx(ref, r, c);
  switch (f.kind) {
    case 'matmul': {
      const { a, b } = f;
      lit(a, r, -1);
      lit(b, -1, c);
      if (f.causal === true && c > r) {
        return [`${me} = masked: column ${c} comes after row ${r} (a later token), score − 10⁹ = ${fmt(value)}`];
      }
      const K = a.values.cols;
      const terms: number[] = [];
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const t = at(a, r, k) * at(b, k, c);
        terms.push(k);
        sum += t;
      }
      terms.sort((x, y) => Math.abs(at(a, r, y) * at(b, y, c)) - Math.abs(at(a, r, x) * at(b, x, c)));
      const scale = f.scale !== undefined ? ` / √${fmt(Math.round(1 / (f.scale * f.scale)))}` : '';
      const bias = f.bias !== undefined ? ` + ${f.biasName ?? 'b'}[${c}]` : '';
      const shown = terms.slice(0, 3).map((k) => `${term(at(a, r, k))}·${term(at(b, k, c))}`).join(' + ');
      const rest = K > 3 ? ` + … (${K - 3} more)` : '';
      const lines = [`${me} = Σ_{k} ${idx(a, r, 'k')}·${idx(b, 'k', c)}${scale}${bias} = ${fmt(value)}`];
      lines.push(`largest terms: ${shown}${rest}`);
      let tail = `Σ = ${fmt(sum)}`;
      if (f.scale !== undefined) tail += `,  ${fmt(sum)}${scale} = ${fmt(sum * f.scale)}`;
      if (f.bias !== undefined) tail += `,  ${f.biasName ?? 'b'}[${c}] = ${fmt(f.bias[c]!)}`;
      lines.push(tail);
      return lines;
    }
    case 'softmax': {
      const x = f.x;
      const n = f.causal ? r + 1 : x.values.cols;
      lit(x, r, -1);
      if (f.causal && c > r) return [`${me} = 0: masked (column ${c} > row ${r}; a token never attends to later ones)`];
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, at(x, r, j));
      const T = f.temperature === true ? temperatureOf(x, ref, r) : 1;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp((at(x, r, j) - max) / T);
      const xs = idx(x, r, c);
      if (f.temperature === true) {
        return [
          `${me} = exp((${xs} − max)/T) / Σ_{j} exp((${idx(x, r, 'j')} − max)/T) = ${fmt(value)}`,
          `= exp((${fmt(at(x, r, c))} − ${fmt(max)})/${fmt(T)}) / ${fmt(sum)};  T = ${fmt(T)} (temperature), row max ${fmt(max)}`,
        ];
      }
      const range = f.causal ? `j≤${r}` : 'j';
      return [
        `${me} = exp(${xs} − max) / Σ_{${range}} exp(${idx(x, r, 'j')} − max) = ${fmt(value)}`,
        `= exp(${fmt(at(x, r, c))} − ${fmt(max)}) / ${fmt(sum)};  row max ${fmt(max)}, ${n} visible columns`,
      ];
    }
    case 'relu':
      lit(f.x, r, c);
      return [`${me} = max(0, ${idx(f.x, r, c)}) = max(0, ${fmt(at(f.x, r, c))}) = ${fmt(value)}`];
    case 'add':
      lit(f.a, r, c);
      lit(f.b, r, c);
      return [`${me} = ${idx(f.a, r, c)} + ${idx(f.b, r, c)} = ${fmt(at(f.a, r, c))} + ${fmt(at(f.b, r, c))} = ${fmt(value)}`];
    case 'layernorm': {
      const x = f.x;
      const D = x.values.cols;
      lit(x, r, -1);
      let mu = 0;
      for (let j = 0; j < D; j++) mu += at(x, r, j);
      mu /= D;
      let v = 0;
      for (let j = 0; j < D; j++) v += (at(x, r, j) - mu) ** 2;
      const sigma = Math.sqrt(v / D + LN_EPS);
      return [
        `${me} = γ_{${c}}·(${idx(x, r, c)} − μ)/σ + β_{${c}} = ${fmt(f.gamma[c]!)}·(${fmt(at(x, r, c))} − ${fmt(mu)})/${fmt(sigma)} + ${term(f.beta[c]!)} = ${fmt(value)}`,
        `LayerNorm ${f.which} over row ${r}: μ = ${fmt(mu)}, σ = √(var + 10⁻⁵) = ${fmt(sigma)}`,
      ];
    }
    case 'concat': {
      const h = Math.floor(c / f.dk);
      const src = f.heads[h]!;
      return [`${me} = ${idx(src, r, c - h * f.dk)} (head ${h + 1}'s output, columns ${h * f.dk}–${(h + 1) * f.dk - 1})`];
    }
  }
}

/** The temperature the probabilities were computed with, recovered from a row (T = 0 shows as 1). */
function temperatureOf(logits: MatrixRef, probs: MatrixRef, r: number): number {
  const V = logits.values.cols;
  let m = 0;
  for (let j = 1; j < V; j++) if (at(probs, r, j) > at(probs, r, m)) m = j;
  let best = 1;
  let spread = 0;
  for (let j = 0; j < V; j++) {
    const p = at(probs, r, j);
    const dl = at(logits, r, m) - at(logits, r, j);
    if (p > 1e-6 && dl > spread) {
      spread = dl;
      best = dl / Math.log(at(probs, r, m) / p);
    }
  }
  return Math.round(best * 1000) / 1000;
}

/**
 * What the picked cell is, its value and formula.
 * @example describe(scene, pickAt(scene, frame, 800, 450, 1600, 900, hit)!).matrix // → 'Q'
 */
export function describe(scene: Scene, hit: PickHit): Inspection {
  const parts = scene.parts[hit.visual]!;
  const pt = parts[hit.part]!;
  const ref = pt.ref;
  const r = hit.row;
  const c = hit.col;
  const value = at(ref, r, c);
  const [row, col] = storedIndex(ref, r, c);
  const ids = scene.tokenIds;
  const tokenRow = ref.transposed ? null : ref.rowTokens ? r : null;
  const tokenCol = ref.colTokens ? c : null;
  const token = ids !== undefined && tokenRow !== null ? TOKENS[ids[tokenRow]!] ?? null : null;
  const colToken = ids !== undefined && tokenCol !== null ? TOKENS[ids[tokenCol]!] ?? null : null;
  const highlights: Highlight[] = [];
  const cell: Highlight = { placed: pt.placed, row: r, col: c };
  const formula = ref.formula !== undefined ? formulaOf(ref, ref.formula, r, c, value, parts, highlights) : [];
  const where = [ref.block !== null ? `block ${ref.block}` : '', ref.head !== null ? `head ${ref.head}` : ''].filter((s) => s !== '');
  const shape = `${ref.values.rows}×${ref.values.cols}`;
  const tok = ids === undefined ? '' : [
    tokenRow !== null ? `row token ${tokenText(ids[tokenRow]!)}` : '',
    tokenCol !== null ? `column token ${tokenText(ids[tokenCol]!)}` : '',
  ].filter((s) => s !== '').join(', ');
  const head = [`${name(ref)}  ${[ref.key, ...where].join(' · ')}  ${shape}  [${row}, ${col}]`, tok].filter((s) => s !== '').join('  ·  ');
  // The colour legend of this matrix (probabilities use the per-row purple → yellow map).
  const scale = ref.key === 'probs' ? 'colour: dark purple 0 → yellow = the row\'s largest'
    : `colour: blue −${fmt(ref.colourScale ?? vmaxOf(ref.values))} · white 0 · red +${fmt(ref.colourScale ?? vmaxOf(ref.values))}`;
  const lines = [head, `value ${fmt(value)}    ${scale}`, ...formula];
  if (ref.formula === undefined) lines.push(ref.rowTokens ? 'the given input' : 'a learned weight');
  return {
    matrix: ref.key, label: plainText(ref.label), block: ref.block, head: ref.head, row, col, token, colToken, value,
    formula: formula.length > 0 ? plainText(formula.join('; ')) : null,
    lines, cell, highlights,
  };
}

/**
 * The `--pointer` JSON line's object (null over nothing).
 * @example JSON.stringify(inspectionJson(insp)) // → '{"matrix":"Q",…}'
 */
export function inspectionJson(i: Inspection | null): Record<string, unknown> | null {
  if (i === null) return null;
  return {
    matrix: i.matrix, label: i.label, block: i.block, head: i.head, row: i.row, col: i.col,
    token: i.token, colToken: i.colToken, value: i.value, formula: i.formula,
  };
}
