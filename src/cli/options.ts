/**
 * The visualiser's flags (spec §3.1, product README, issues 3/5/7/8/9) and their translation
 * into typed `ViewOptions` (app/view-options.ts): ranges and types via flags.ts, then the rules
 * that involve more than one flag — even sizes for video, --snapshot/--record/--out conflicts,
 * --text needs a weights file — and the prompt clean-up (run/prompt.ts, spec §3.2 step 1).
 *
 * Unlike the reference, --text with a missing weights file is an error naming the path, never a
 * silent fall-back to the random-weights mode (issue 3).
 *
 * What this is not: it loads no weights and opens nothing. The context length S belongs to the
 * weights file, so cutting the prompt to S is done by the run layer (run/run.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ViewOptions } from '../app/view-options.js';
import { UsageError, UserError } from '../errors.js';
import { DEFAULT_WEIGHTS, PACKAGE_ROOT } from '../package-root.js';
import { cleanPrompt, stderrWarn } from '../run/prompt.js';
import type { Warn } from '../run/prompt.js';
import { MAX_LENGTH } from '../transformer/config.js';
import { parseFlags, usageError, formatHelp, kebab, closest } from './flags.js';
import { SUBCOMMANDS, VIEW_SUMMARY, VIEW_USAGE, viewHelpSections } from './help.js';

export { DEFAULT_WEIGHTS, PACKAGE_ROOT };


/** The package's version from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export const VIEW_FLAGS = {
  text: { type: 'string', placeholder: 'TEXT', help: 'prompt: generate with the trained model (a–z, space, ! \' . ?)' },
  weights: { type: 'string', placeholder: 'FILE.npz', help: 'trained weights for --text (default weights/charlm.npz)' },
  temperature: { type: 'number', default: 0.3, min: 0, help: 'sampling temperature, 0 = greedy' },
  seed: { type: 'integer', min: 0, max: 4294967295, placeholder: 'N', help: 'XOR-ed into the per-prompt sampling seed' },
  length: { type: 'integer', min: 1, max: MAX_LENGTH, placeholder: 'N', help: 'generate until the text is N characters long (default: the context length)' },
  captions: { type: 'boolean', help: 'show the plain-words caption band (--snapshot, --record; K toggles it in the window)' },
  record: { type: 'boolean', help: 'render offscreen and write <output-dir>/transformer.mp4' },
  fps: { type: 'integer', default: 30, min: 1, max: 240, help: 'recording frame rate' },
  speed: { type: 'number', default: 1.0, min: 0.05, max: 20, help: 'animation speed multiplier' },
  width: { type: 'integer', default: 1920, min: 16, max: 8192, placeholder: 'PX', help: 'output width in pixels, even for --record' },
  height: { type: 'integer', default: 1080, min: 16, max: 8192, placeholder: 'PX', help: 'output height in pixels, even for --record' },
  quality: {
    type: 'string', default: 'draft', choices: ['final', 'draft'],
    help: '--record encoding: final = small files (x264 medium/CRF 18, psy-rd 0.5), draft = least CPU (ultrafast/CRF 20, ~3× larger)',
  },
  format: { type: 'string', default: 'jpg', choices: ['jpg', 'png'], help: 'also write numbered frames in this format (--record)' },
  outputDir: { type: 'string', default: 'recordings/', placeholder: 'DIR', help: 'where --record writes' },
  maxDuration: { type: 'number', default: 180, min: 0, placeholder: 'SECONDS', help: 'cap the video length by raising the speed, 0 = no cap' },
  music: { type: 'boolean', help: 'play/mix the generated music under the sonification' },
  mute: { type: 'boolean', help: 'no sound at all' },
  snapshot: { type: 'number', min: 0, placeholder: 'SECONDS', help: 'render the frame at this timeline time to --out and exit' },
  out: { type: 'string', placeholder: 'FILE.png', help: 'the PNG file --snapshot writes' },
  step: { type: 'integer', min: 1, max: 4096, placeholder: 'N', help: 'with --snapshot: the generation step to show (default 1)' },
  pointer: { type: 'string', placeholder: 'X,Y', help: 'with --snapshot: inspect the cube at this pixel (tooltip drawn, one JSON line printed)' },
  version: { type: 'boolean', short: 'v', help: 'print the version and exit' },
} as const;

/** Flags that only mean something for --record (given without it → a warning). */
const RECORD_ONLY = ['fps', 'quality', 'format', 'outputDir', 'maxDuration'] as const;

/**
 * The weights file for --text: the explicit path (cwd-relative) or DEFAULT_WEIGHTS; it must exist
 * and be a file, else a UserError naming the path and how to train or pass --weights. Shared
 * with `gptviz generate`.
 */
export function requireWeights(explicit: string | undefined): string {
  const path = explicit !== undefined ? resolve(explicit) : DEFAULT_WEIGHTS;
  const hint = "train weights with 'gptviz train' (see the README, Train) or pass --weights FILE.npz";
  if (!existsSync(path)) {
    const what = explicit !== undefined ? 'weights file not found' : 'no trained weights found';
    throw new UserError(`${what}: ${path} (--text needs a trained model)`, { hint });
  }
  const st = statSync(path);
  if (st.isDirectory()) throw new UserError(`--weights must be a file, but ${path} is a directory`, { hint });
  if (!st.isFile()) throw new UserError(`--weights must be a file, but ${path} is not a regular file`, { hint });
  return path;
}

/** "did you mean" for a mistyped subcommand. */
function unknownCommand(word: string): UserError {
  const names = SUBCOMMANDS.map((c) => c.name);
  if (names.includes(word)) {
    // `gptviz --text x generate`: a subcommand after flags (main.ts dispatches on the first word).
    return new UsageError(`the command '${word}' must come first`, `run it as: gptviz ${word} [flags] (see 'gptviz ${word} --help')`);
  }
  const guess = closest(word, names);
  const more = guess !== undefined ? `did you mean ${guess}?` : `commands: ${names.join(', ')}; flags start with --`;
  return usageError('', `unknown command '${word}' (${more})`);
}

/**
 * Parse the visualiser's arguments (everything that is not a subcommand) into ViewOptions.
 * Throws a one-line UsageError (exit 2) for bad flags and conflicts, a UserError (exit 1) for a
 * missing weights file; warnings (dropped prompt characters, flags that do nothing in this mode)
 * go through `warn`.
 */
export function parseViewArgs(argv: readonly string[], warn: Warn = stderrWarn): ViewOptions {
  const { values: v, positionals, help: helpFlag, given } = parseFlags('', argv, VIEW_FLAGS, { positionals: 1 });
  const help = helpFlag || (positionals.length === 1 && positionals[0] === 'help'); // `gptviz help`
  const defaults = {
    help,
    version: v.version,
    text: undefined,
    weights: undefined,
    temperature: v.temperature,
    length: v.length,
    captions: v.captions,
    seed: v.seed,
    record: v.record,
    fps: v.fps,
    speed: v.speed,
    width: v.width,
    height: v.height,
    sizeGiven: given.has('width') || given.has('height'),
    quality: v.quality,
    format: v.format,
    formatGiven: given.has('format'),
    outputDir: resolve(v.outputDir),
    maxDuration: v.maxDuration,
    music: v.music,
    mute: v.mute,
    snapshot: v.snapshot,
    step: v.step ?? 1,
    out: undefined,
    pointer: undefined,
  };
  if (help || v.version) return defaults;
  if (positionals.length > 0) throw unknownCommand(positionals[0]!);

  // Conflicts between modes.
  if (v.snapshot !== undefined && v.record) throw usageError('', '--snapshot and --record cannot be combined (one PNG or one video)');
  if (v.out !== undefined && v.snapshot === undefined) throw usageError('', '--out only applies to --snapshot SECONDS');
  if (v.snapshot !== undefined && v.out === undefined) throw usageError('', '--snapshot needs --out FILE.png');
  if (v.step !== undefined && v.snapshot === undefined) throw usageError('', '--step only applies to --snapshot SECONDS');
  if (v.pointer !== undefined && v.snapshot === undefined) throw usageError('', '--pointer only applies to --snapshot SECONDS');
  const pointer = v.pointer !== undefined ? parsePointer(v.pointer) : undefined;
  if (v.out !== undefined && !/\.png$/i.test(v.out)) throw usageError('', `--out must name a .png file (got '${v.out}')`);

  // Video encoders need even frame sizes (yuv420p).
  if (v.record) {
    for (const key of ['width', 'height'] as const) {
      if (v[key] % 2 !== 0) throw usageError('', `--${key} must be an even integer from 16 to 8192 for video (got ${v[key]})`);
    }
  } else {
    const ignored = RECORD_ONLY.filter((k) => given.has(k));
    if (ignored.length > 0) {
      warn(`warning: ${ignored.map((k) => `--${kebab(k)}`).join(', ')} only ${ignored.length === 1 ? 'applies' : 'apply'} to --record; ignored`);
    }
  }

  let text: string | undefined;
  let weights: string | undefined;
  if (v.text !== undefined) {
    text = cleanPrompt(v.text, warn);
    weights = requireWeights(v.weights);
    if (v.length !== undefined && v.length < text.length) {
      throw usageError('', `--length ${v.length} is shorter than the prompt (${text.length} characters after clean-up)`);
    }
  } else {
    if (v.weights !== undefined) warn('warning: --weights is ignored without --text (the random-weights mode uses seeded weights)');
    if (v.length !== undefined) warn('warning: --length only applies with --text or to a prompt typed in the window');
  }
  if (v.music && v.mute) warn('warning: --mute silences --music too');

  return { ...defaults, text, weights, pointer, out: v.out !== undefined ? resolve(v.out) : undefined };
}

/** `X,Y` → two non-negative pixel coordinates (usage error otherwise). */
function parsePointer(raw: string): [number, number] {
  const m = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(raw);
  if (m === null) throw usageError('', `--pointer must be X,Y pixels of the output image, e.g. 800,450 (got '${raw}')`);
  return [Number(m[1]), Number(m[2])];
}

/** The visualiser's complete `--help` text. */
export function viewHelp(): string {
  return formatHelp('', VIEW_SUMMARY, VIEW_FLAGS, { usage: VIEW_USAGE, sections: viewHelpSections() });
}
