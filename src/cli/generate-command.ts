/**
 * `gptviz generate --text hello [--weights FILE] [--temperature 0.3] [--seed N] [--length N] [--top K]`
 * (issues 3, 13; spec §3.2): load the weights, run the autoregressive generation exactly as the
 * visualiser pre-computes it, and print the reference's console lines
 *   `  Step 1: hello -> ' ' (41%)` … `  Result: '…'`
 * — one Step line per character added (a PAD prediction prints as `Stopped:`). `--top K` adds the K
 * most likely next characters (temperature-scaled probabilities) under each step line.
 *
 * Prompt clean-up warnings (dropped characters, cut to the model's S) go to stderr through the
 * run layer (run/prompt.ts, run/run.ts), as for every other front-end; an empty
 * prompt, bad flags (exit 2) and a missing/unreadable weights file are one-line UserErrors.
 *
 * Not here: the generation maths (transformer/generation.ts), flag parsing (flags.ts), the
 * prompt clean-up (run/).
 */
import { cleanPrompt } from '../run/prompt.js';
import { generate } from '../run/run.js';
import type { GenerationLogEntry } from '../transformer/generation.js';
import { MAX_LENGTH, formatPct, formatResultLine, formatStepLine, pyRepr } from '../transformer/generation.js';
import { loadWeights } from '../transformer/weights-file.js';
import { TOKENS } from '../transformer/vocab.js';
import { flagCommand, usageError } from './flags.js';
import { requireWeights } from './options.js';

const SPECS = {
  text: { type: 'string', placeholder: 'TEXT', help: "prompt (a–z, space and ! ' . ?; other characters are dropped)" },
  weights: { type: 'string', placeholder: 'FILE.npz', help: 'trained weights (default weights/charlm.npz in the package)' },
  temperature: { type: 'number', default: 0.3, min: 0, help: 'sampling temperature, 0 = greedy' },
  seed: { type: 'integer', min: 0, max: 4294967295, placeholder: 'N', help: 'XOR-ed into the per-prompt sampling seed' },
  length: { type: 'integer', min: 1, max: MAX_LENGTH, placeholder: 'N', help: 'generate until the text is N characters long (default: the context length); past it the model sees the last S characters' },
  top: { type: 'integer', min: 1, max: 32, placeholder: 'K', help: 'also list the K most likely next characters per step' },
} as const;

const SUMMARY =
  'Print the autoregressive generation steps for --text, exactly as the visualiser animates them:\n' +
  'one line per step with the predicted character and its (temperature-scaled) probability.';

/** The K most likely next characters of one log entry: `      'e' 85%  'a' 7%  …`. */
export function topLine(e: GenerationLogEntry, k: number): string {
  const V = e.record.config.vocabSize;
  const row = e.record.probs!.data.subarray(e.predPos * V, (e.predPos + 1) * V);
  const order = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
  const items = order.slice(0, k).map((id) => `${pyRepr(TOKENS[id] ?? '?')} ${formatPct(Math.fround(100 * row[id]!))}%`);
  return `      top ${k}: ${items.join('  ')}`;
}

export const run = flagCommand('generate', SPECS, SUMMARY, (v) => {
  if (v.text === undefined) throw usageError('generate', '--text is required (the prompt to continue)');
  const cleaned = cleanPrompt(v.text);
  const g = generate(loadWeights(requireWeights(v.weights)), cleaned, v, undefined, 'generate');
  const out: string[] = [];
  for (const e of g.log) {
    out.push(formatStepLine(e));
    if (v.top !== undefined) out.push(topLine(e, v.top));
  }
  out.push(formatResultLine(g.result));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}, { usage: 'gptviz generate --text TEXT [flags]' });
