/**
 * Pre-computing the autoregressive generation steps (spec §3.2, issue 13), before anything is
 * drawn: from a prompt already cleaned (and cut to S unless a length is asked for; run/prompt.ts
 * owns the warnings), one forward pass per new character until the text is `length` characters
 * long (default S), each predicting the character after the last row of the model's window
 * (pred_pos = len(window) − 1), stopping early on a PAD prediction, then one final pass over the
 * last window. Past the context the model sees the last S characters (a sliding window, as GPT
 * sampling does). The visualiser animates exactly these steps and `gptviz generate` prints them;
 * both get the same numbers from here.
 *
 * Differences from the reference, on purpose: an empty prompt (everything filtered away) is an
 * error instead of silently predicting from the last row (spec §11.3 #8). No phantom step: the
 * reference also ran (and printed) a prediction at a full context and then dropped it; here every
 * printed Step line adds its character to the result. Up to S characters the sampling stream is
 * the reference's (the seed is a CRC of the window's ids, which are the same).
 *
 * Not here: prompt clean-up (run/prompt.ts), printing (cli/generate-command.ts), scenes (run/).
 */
import { UserError } from '../errors.js';
import { MAX_LENGTH } from './config.js';
import type { ForwardRecord } from './activations.js';
import type { ForwardOptions } from './model.js';
import { forward } from './model.js';
import { CHARS, PAD_ID, TOKENS, cleanText, encode, labels, tokenLabel } from './vocab.js';
import type { Weights } from './weights.js';

/** One generation step = one scene (spec §3.2–3.3). */
export interface GenerationStep {
  /** 'prediction': predicts the next character; 'final': the completed text, nothing predicted. */
  readonly kind: 'prediction' | 'final';
  /** The text fed to the model at this step (before the prediction is appended). */
  readonly text: string;
  readonly record: ForwardRecord;
  /** Row whose next-token prediction matters: len(text) − 1. */
  readonly predPos: number;
  /** predicted_ids[predPos] (sampled at T > 0, argmax at T = 0). */
  readonly predId: number;
  /** 100 · probs[predPos][predId] (temperature-scaled probability). */
  readonly pct: number;
  /** labels(ids): one display label per row (PAD → '_'). */
  readonly inputLabels: readonly string[];
  /** S labels, all empty except row predPos = "{c} {pct:.0f}%" on prediction steps. */
  readonly outputLabels: readonly string[];
}

/** One console line of the loop: every iteration prints, including a PAD prediction that stops it. */
export interface GenerationLogEntry {
  /** 1-based iteration number. */
  readonly step: number;
  /** The window the model saw (the last S characters of the text so far). */
  readonly text: string;
  /** True when the text so far was longer than the window (printed with a leading '…'). */
  readonly slid?: boolean;
  readonly predId: number;
  readonly pct: number;
  /** The forward pass of this iteration (for --top K). */
  readonly record: ForwardRecord;
  readonly predPos: number;
  /** False for a PAD prediction, which stops the loop (printed as `Stopped:`, never shown). */
  readonly kept: boolean;
}

export interface Generation {
  /** The prompt the generation started from. */
  readonly prompt: string;
  /** Kept prediction steps, then the final step. */
  readonly steps: readonly GenerationStep[];
  readonly log: readonly GenerationLogEntry[];
  /** The completed text. */
  readonly result: string;
}

export { MAX_LENGTH } from './config.js';

/**
 * Python's `f"{x:.0f}"` for a finite non-negative x: round half to even on the exact binary
 * value (JS toFixed rounds exact halves up).
 * @example formatPct(40.5) === '40'; formatPct(41.5) === '42'
 */
export function formatPct(x: number): string {
  const f = Math.floor(x);
  const r = x - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(x);
  return String(r);
}

/** Python `repr` of a string (single quotes unless it contains ' and no "). */
export function pyRepr(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * `  Step {k}: {text} -> {c!r} ({pct:.0f}%)` as the reference prints it; past the context the
 * text is the model's window after a '…'. A PAD prediction (which adds nothing and stops) prints
 * as `  Stopped: {text} -> '<PAD>' ({pct}%)`, so Step lines = characters added.
 * @example formatStepLine({step: 1, text: 'hello', predId: 0, pct: 41.2, …}) === "  Step 1: hello -> ' ' (41%)"
 */
export function formatStepLine(e: GenerationLogEntry): string {
  const head = e.kept ? `Step ${e.step}` : 'Stopped';
  return `  ${head}: ${e.slid === true ? '…' : ''}${e.text} -> ${pyRepr(TOKENS[e.predId] ?? '?')} (${formatPct(e.pct)}%)`;
}

/** `  Result: '…'`. */
export function formatResultLine(result: string): string {
  return `  Result: ${pyRepr(result)}`;
}

/**
 * One generation step: the forward pass over `text` (1 … S vocabulary characters) and what it
 * shows — the prediction of row len − 1 and its `c NN%` label (prediction steps only).
 */
export function generationStep(kind: GenerationStep['kind'], text: string, weights: Weights, opts: ForwardOptions = {}): GenerationStep {
  const S = weights.config.seqLen;
  const V = weights.config.vocabSize;
  const ids = encode(text, S);
  const record = forward(weights, ids, opts);
  const predPos = text.length - 1;
  const predId = record.predictedIds![predPos]!;
  const pct = Math.fround(100 * record.probs!.data[predPos * V + predId]!); // float32, as numpy
  const outputLabels = new Array<string>(S).fill('');
  if (kind === 'prediction') outputLabels[predPos] = `${tokenLabel(predId)} ${formatPct(pct)}%`;
  return { kind, text, record, predPos, predId, pct, inputLabels: labels(ids), outputLabels };
}

/** Generation options: the forward pass's temperature/seed and the text length to reach. */
export interface GenerationOptions extends ForwardOptions {
  /** Generate until the text is this long (default S; at least the prompt's length, ≤ MAX_LENGTH). */
  readonly length?: number;
}

/**
 * The whole generation for a prompt (spec §3.2, issue 13): kept steps + final step, the console
 * log, the result text. `prompt` is already cleaned, and cut to S unless a `length` is given
 * (run/prompt.ts); an empty one is a UserError; anything else outside the vocabulary, longer
 * than S without a length, or a length below the prompt's or above MAX_LENGTH is a bug.
 */
export function runGeneration(weights: Weights, prompt: string, opts: GenerationOptions = {}): Generation {
  const S = weights.config.seqLen;
  if (prompt === '' || cleanText(prompt).kept === '') {
    throw new UserError(`the prompt has no characters in the vocabulary (a–z, space and ! ' . ?)`, {
      hint: 'give --text some letters',
      exitCode: 2,
    });
  }
  if ((opts.length === undefined && prompt.length > S) || cleanText(prompt).kept !== prompt) {
    throw new Error(`runGeneration: the prompt ${JSON.stringify(prompt)} is not cleaned and cut to S = ${S} (run/prompt.ts)`);
  }
  const length = opts.length ?? S;
  if (!Number.isInteger(length) || length < prompt.length || length > MAX_LENGTH) {
    throw new RangeError(`runGeneration: length ${length} must be an integer from the prompt's ${prompt.length} characters to ${MAX_LENGTH}`);
  }
  let cur = prompt;
  const steps: GenerationStep[] = [];
  const log: GenerationLogEntry[] = [];
  for (let k = 1; cur.length < length; k++) {
    const window = cur.slice(-S);
    const s = generationStep('prediction', window, weights, opts);
    const kept = s.predId !== PAD_ID;
    log.push({ step: k, text: window, slid: cur.length > S, predId: s.predId, pct: s.pct, record: s.record, predPos: s.predPos, kept });
    if (!kept) break;
    steps.push(s);
    cur += CHARS[s.predId]!;
  }
  steps.push(generationStep('final', cur.slice(-S), weights, opts));
  return { prompt, steps, log, result: cur };
}

/**
 * The generation steps for a prompt (spec §3.2): S − L prediction steps (fewer if PAD is
 * predicted, more with a longer `length`) and one final step.
 * @example precomputeGeneration(weights, 'hello', { temperature: 0.3 }).length === 12 // S = 16
 */
export function precomputeGeneration(weights: Weights, prompt: string, opts: GenerationOptions = {}): GenerationStep[] {
  return [...runGeneration(weights, prompt, opts).steps];
}
