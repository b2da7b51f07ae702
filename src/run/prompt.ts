/**
 * Prompt clean-up and its warnings (spec §3.2 step 1, issue 3) — the one code path every
 * front-end takes, so the window, --record, --snapshot, the contact sheet and `gptviz generate`
 * warn the same way for the same prompt: `cleanPrompt` when the flags are read (lower-case,
 * newlines as spaces, vocabulary characters only), `fitPrompt` once the weights are loaded (the context
 * length S belongs to the weights file).
 *
 * What it is not: the vocabulary itself (transformer/vocab.ts `cleanText`) or the generation
 * (transformer/generation.ts, which takes a prompt already cleaned and fitted).
 */
import { UsageError, UserError } from '../errors.js';
import { cleanText } from '../transformer/vocab.js';

/** Where warnings go: one line each, no trailing newline. */
export type Warn = (message: string) => void;

/** The default Warn: one line on stderr. */
export const stderrWarn: Warn = (m) => void process.stderr.write(`${m}\n`);

/** `"x"` for a character in a message (JSON quoting shows '"' and control characters legibly). */
const quoteChar = (ch: string): string => JSON.stringify(ch);

/**
 * Prompt clean-up (spec §3.2 step 1, issues 3, 12): lower-case, newlines as spaces, drop characters outside
 * the vocabulary with ONE warning naming them in order of appearance
 * (`warning: dropped characters not in the vocabulary: ",", "1"`); nothing left → one UserError
 * naming them instead (no warning then).
 *
 * @example cleanPrompt('Hello, World!', warn) === 'hello world!'  // warns about ","
 */
export function cleanPrompt(raw: string, warn: Warn = stderrWarn): string {
  if (raw === '') throw new UsageError('--text is empty (leave it out for the random-weights mode)');
  const { kept, dropped } = cleanText(raw);
  const named = dropped.map(quoteChar).join(', ');
  if (kept === '') {
    throw new UserError(`--text has no characters in the vocabulary (dropped ${named})`, {
      hint: "the vocabulary is a–z, space and ! ' . ?",
      exitCode: 2,
    });
  }
  if (dropped.length > 0) warn(`warning: dropped characters not in the vocabulary: ${named}`);
  return kept;
}

/**
 * Cut a cleaned prompt to the model's context length S with a warning (spec §3.2 step 1). Called
 * by the run layer once the weights are loaded, since S comes from the weights file.
 *
 * @example fitPrompt('to be or not to be that is', 16, warn) === 'to be or not to '
 */
export function fitPrompt(text: string, seqLen: number, warn: Warn = stderrWarn): string {
  if (text.length <= seqLen) return text;
  const cut = text.slice(0, seqLen);
  warn(`warning: --text is longer than the model's context of ${seqLen} characters; using ${JSON.stringify(cut)}`);
  return cut;
}

/**
 * The prompt a generation of `length` characters starts from (issue 13): without a length, cut
 * to the model's context S with a warning (`fitPrompt`, the behaviour before --length); with
 * one, kept whole (the sliding window takes prompts longer than S), and a length below the
 * prompt's is a usage error (exit 2) whose hint names `command`'s help.
 *
 * @example promptFor('hello', 16, 30, warn) === 'hello'
 */
export function promptFor(text: string, seqLen: number, length: number | undefined, warn: Warn = stderrWarn, command = ''): string {
  if (length === undefined) return fitPrompt(text, seqLen, warn);
  if (length < text.length) {
    const gptviz = command === '' ? 'gptviz' : `gptviz ${command}`;
    throw new UsageError(`--length ${length} is shorter than the prompt (${text.length} characters after clean-up)`, `run '${gptviz} --help' for usage`);
  }
  return text;
}
