/**
 * A greedy continuation of a prompt past the model's context (issue 14's per-epoch sample):
 * the prompt cleaned as `generate` cleans it, then `length` more characters, each the argmax
 * prediction after the last S characters (a sliding window), stopping early on PAD.
 *
 * Greedy on purpose: no random numbers at all, so a sample depends on the weights only and can
 * never touch the training's random state. Not here: `generate`'s step-by-step record
 * (generation.ts), temperature sampling (sample.ts).
 */
import { forward } from './model.js';
import { CHARS, PAD_ID, cleanText, encode } from './vocab.js';
import type { Weights } from './weights.js';

/**
 * `prompt` (cleaned, at most S characters kept) followed by up to `length` greedy predictions.
 *
 * @example greedySample(weights, 'hello', 24) // 'hello the the the the the …' early in training
 */
export function greedySample(weights: Weights, prompt: string, length: number): string {
  const S = weights.config.seqLen;
  let text = cleanText(prompt).kept.slice(0, S);
  if (text === '') return text;
  for (let k = 0; k < length; k++) {
    const window = text.slice(-S);
    const id = forward(weights, encode(window, S)).predictedIds![window.length - 1]!;
    if (id === PAD_ID) break;
    text += CHARS[id]!;
  }
  return text;
}
