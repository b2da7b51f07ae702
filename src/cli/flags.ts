/**
 * A small declarative layer over node:util `parseArgs` for every gptviz command (issue 3, CLI;
 * spec §3.1 for the visualiser's flags). A command declares its flags once as a `FlagSpecs`
 * record — type, default, range, choices, help text — and gets back typed values, its `--help`
 * text, and one-line usage errors that name the flag and what it accepts, e.g.
 * `--fps must be an integer from 1 to 240 (got 500)`.
 *
 * Keys are camelCase and become kebab-case flags: `maxDuration` ↔ `--max-duration`.
 * `--help` / `-h` is recognised by every command without being declared.
 *
 * What this is not: it knows nothing about any particular command (that is options.ts and the
 * `*-command.ts` modules), and it never exits; the one thing it prints is a subcommand's `--help`
 * text (flagCommand). Problems are thrown as UsageError (exit code 2) for cli/main.ts to print.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

interface BaseSpec {
  /** One line for `--help`. */
  readonly help: string;
  /** Value placeholder in `--help`, e.g. `N`, `FILE.npz` (defaults to the type). */
  readonly placeholder?: string;
  /** Single-letter alias, e.g. 'o' for `-o`. */
  readonly short?: string;
}

export interface BooleanFlag extends BaseSpec {
  readonly type: 'boolean';
  readonly default?: boolean;
}

export interface StringFlag extends BaseSpec {
  readonly type: 'string';
  readonly default?: string;
  /** The accepted values; anything else is a usage error. */
  readonly choices?: readonly string[];
}

export interface NumberFlag extends BaseSpec {
  /** 'integer' additionally rejects fractions. */
  readonly type: 'number' | 'integer';
  readonly default?: number;
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Require an even value (video encoders need even frame sizes). */
  readonly even?: boolean;
}

export type FlagSpec = BooleanFlag | StringFlag | NumberFlag;
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The typed value of one flag: a default makes it non-optional; choices narrow strings. */
export type FlagValue<F extends FlagSpec> = F extends BooleanFlag
  ? boolean
  : F extends StringFlag
    ? (F extends { readonly choices: readonly (infer C)[] } ? C : string) | (F extends { readonly default: string } ? never : undefined)
    : F extends NumberFlag
      ? number | (F extends { readonly default: number } ? never : undefined)
      : never;

export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]: FlagValue<S[K]> };

export interface ParsedFlags<S extends FlagSpecs> {
  /** Every declared flag: the given value, else the default (booleans default to false). */
  readonly values: FlagValues<S>;
  /** Non-flag arguments, in order (only when allowed). */
  readonly positionals: string[];
  /** `--help` / `-h` was given; when true, `values` holds defaults only and nothing was validated. */
  readonly help: boolean;
  /** Keys (camelCase) of the flags the user actually gave, to tell a default from an explicit value. */
  readonly given: ReadonlySet<keyof S & string>;
}

export interface ParseOptions {
  /** How many positional arguments are accepted (default 0). */
  readonly positionals?: number;
  /** Name of the positional argument(s) in messages, e.g. 'FILE' (default 'argument'). */
  readonly positionalName?: string;
}

/** `maxDuration` → `max-duration`. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The program as the user types it: 'gptviz' or 'gptviz train'. */
export function programName(command: string): string {
  return command === '' ? 'gptviz' : `gptviz ${command}`;
}

/** A UsageError with the command's help hint. `command` is the subcommand, '' for the visualiser. */
export function usageError(command: string, message: string): UsageError {
  return new UsageError(message, `run '${programName(command)} --help' for usage`);
}

/**
 * What a flag accepts, in words: "an integer from 1 to 240", "a number of at least 0",
 * "one of jpg, png", "a value".
 */
export function describeAccepted(spec: FlagSpec): string {
  switch (spec.type) {
    case 'boolean':
      return 'no value';
    case 'string':
      return spec.choices !== undefined ? `one of ${spec.choices.join(', ')}` : 'a value';
    case 'number':
    case 'integer': {
      const even = spec.even === true ? 'an even integer' : undefined;
      const kind = even ?? (spec.type === 'integer' ? 'an integer' : 'a number');
      if (spec.min !== undefined && spec.max !== undefined) return `${kind} from ${spec.min} to ${spec.max}`;
      if (spec.min !== undefined) return `${kind} of at least ${spec.min}`;
      if (spec.max !== undefined) return `${kind} of at most ${spec.max}`;
      return kind;
    }
  }
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Shown value in messages: numbers bare, anything else quoted. */
function shown(raw: string): string {
  return NUMBER_RE.test(raw) ? raw : `'${raw}'`;
}

/**
 * Parse and check one number against its spec; throws the one-line usage error.
 * Exported so a command can re-check a value under a condition (e.g. even sizes only for video).
 */
export function checkNumber(command: string, key: string, spec: NumberFlag, raw: string): number {
  const flag = `--${kebab(key)}`;
  const bad = (): UsageError => usageError(command, `${flag} must be ${describeAccepted(spec)} (got ${shown(raw)})`);
  if (!NUMBER_RE.test(raw.trim())) throw bad();
  const v = Number(raw.trim());
  if (!Number.isFinite(v)) throw bad();
  if ((spec.type === 'integer' || spec.even === true) && !Number.isInteger(v)) throw bad();
  if (spec.min !== undefined && v < spec.min) throw bad();
  if (spec.max !== undefined && v > spec.max) throw bad();
  if (spec.even === true && v % 2 !== 0) throw bad();
  return v;
}

/** Levenshtein distance, for "did you mean" on unknown flags (short strings only). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate within edit distance 2 (for "did you mean"), or undefined. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/**
 * Parse `argv` against `specs`. Every problem throws a UsageError with one line naming the flag
 * and what it accepts: unknown flag (with a suggestion), missing value, value given to a boolean,
 * not a number, out of range, not an integer, odd where even is required, not one of the choices,
 * unexpected positional argument. A repeated flag keeps its last value.
 *
 * @example
 * const { values } = parseFlags('', ['--fps', '60'], { fps: { type: 'integer', default: 30, min: 1, max: 240, help: 'frame rate' } });
 * values.fps === 60
 */
export function parseFlags<const S extends FlagSpecs>(
  command: string,
  argv: readonly string[],
  specs: S,
  options: ParseOptions = {},
): ParsedFlags<S> {
  const byName = new Map<string, [string, FlagSpec]>();
  const parseOpts: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [key, spec] of Object.entries(specs)) {
    const name = kebab(key);
    byName.set(name, [key, spec]);
    parseOpts[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.short !== undefined ? { short: spec.short } : {}) };
  }
  const { tokens } = parseArgs({ args: [...argv], options: parseOpts, strict: false, allowPositionals: true, tokens: true });

  // --help anywhere before `--` wins over every other problem.
  const help = tokens.some((t) => t.kind === 'option' && t.name === 'help');
  const raw = new Map<string, string | true>();
  const positionals: string[] = [];
  const maxPositionals = options.positionals ?? 0;
  for (const tok of tokens) {
    if (help) break;
    if (tok.kind === 'option-terminator') continue;
    if (tok.kind === 'positional') {
      if (positionals.length >= maxPositionals) {
        const what = options.positionalName ?? 'argument';
        throw usageError(command, `unexpected ${what} '${tok.value}'${tok.value.startsWith('-') ? '' : ' (flags start with --)'}`);
      }
      positionals.push(tok.value);
      continue;
    }
    const name = tok.name; // parseArgs maps a declared short alias to its long name
    const entry = byName.get(name);
    if (entry === undefined) {
      const guess = tok.rawName.startsWith('--') ? closest(name, [...byName.keys()]) : undefined;
      throw usageError(command, `unknown flag ${tok.rawName}${guess !== undefined ? ` (did you mean --${guess}?)` : ''}`);
    }
    const [key, spec] = entry;
    const flag = `--${name}`;
    if (spec.type === 'boolean') {
      if (tok.value !== undefined) throw usageError(command, `${flag} takes no value (got '${tok.rawName}=${tok.value}')`);
      raw.set(key, true);
      continue;
    }
    // Non-strict parseArgs takes the next argument as the value even when it is another flag.
    const missing = tok.value === undefined || (!tok.inlineValue && tok.value.startsWith('--'));
    if (missing) {
      const what = spec.type === 'string' && spec.choices === undefined ? spec.placeholder ?? 'TEXT' : describeAccepted(spec);
      throw usageError(command, `${flag} needs a value: ${what}`);
    }
    raw.set(key, tok.value);
  }

  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const rawValue = raw.get(key);
    switch (spec.type) {
      case 'boolean':
        values[key] = rawValue === true ? true : (spec.default ?? false);
        break;
      case 'string': {
        if (typeof rawValue !== 'string') {
          values[key] = spec.default;
        } else if (spec.choices !== undefined && !spec.choices.includes(rawValue)) {
          throw usageError(command, `--${kebab(key)} must be ${describeAccepted(spec)} (got '${rawValue}')`);
        } else {
          values[key] = rawValue;
        }
        break;
      }
      case 'number':
      case 'integer':
        values[key] = typeof rawValue === 'string' ? checkNumber(command, key, spec, rawValue) : spec.default;
        break;
    }
  }
  return { values: values as FlagValues<S>, positionals, help, given: new Set(raw.keys()) as ReadonlySet<keyof S & string> };
}

/** `--fps N` / `--format jpg|png` / `--mute` as shown in help. */
function flagSignature(key: string, spec: FlagSpec): string {
  const short = spec.short !== undefined ? `-${spec.short}, ` : '';
  const name = `${short}--${kebab(key)}`;
  if (spec.type === 'boolean') return name;
  const ph =
    spec.placeholder ??
    (spec.type === 'string' ? (spec.choices !== undefined ? spec.choices.join('|') : 'TEXT') : spec.type === 'integer' ? 'N' : 'X');
  return `${name} ${ph}`;
}

/** "(integer 1–240, default 30)" style suffix; empty when there is nothing to add. */
function flagDetails(spec: FlagSpec): string {
  const parts: string[] = [];
  if (spec.type === 'number' || spec.type === 'integer') {
    const kind = spec.even === true ? 'even integer' : spec.type;
    if (spec.min !== undefined && spec.max !== undefined) parts.push(`${kind} ${spec.min}–${spec.max}`);
    else if (spec.min !== undefined) parts.push(`${kind} ≥ ${spec.min}`);
    else if (spec.max !== undefined) parts.push(`${kind} ≤ ${spec.max}`);
    else parts.push(kind);
  }
  if (spec.type !== 'boolean' && spec.default !== undefined) parts.push(`default ${String(spec.default)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** What `--help` shows besides the flags: a usage line other than `gptviz CMD [flags]`, extra sections. */
export interface HelpExtras {
  readonly usage?: string;
  readonly sections?: readonly HelpSection[];
}

export interface HelpSection {
  readonly title: string;
  readonly lines: readonly string[];
}

/**
 * The `--help` text: usage line, summary, every flag with its placeholder, help, range and
 * default, `-h, --help` last, then any extra sections (subcommands, keyboard controls).
 */
export function formatHelp(command: string, summary: string, specs: FlagSpecs, more: HelpExtras = {}): string {
  const rows: [string, string][] = Object.entries(specs).map(([key, spec]) => [
    flagSignature(key, spec),
    spec.help + flagDetails(spec),
  ]);
  rows.push(['-h, --help', 'show this help and exit']);
  const width = Math.min(28, Math.max(...rows.map(([sig]) => sig.length)) + 2);
  const fmt = ([sig, text]: [string, string]): string =>
    sig.length + 2 > width ? `  ${sig}\n  ${' '.repeat(width)}${text}` : `  ${sig.padEnd(width)}${text}`;
  const out = [`Usage: ${more.usage ?? `${programName(command)} [flags]`}`, '', summary, '', 'Flags:', ...rows.map(fmt)];
  for (const s of more.sections ?? []) out.push('', `${s.title}:`, ...s.lines.map((l) => `  ${l}`));
  return `${out.join('\n')}\n`;
}

/**
 * A subcommand's `run(argv)` from its flags and its body: `--help` writes the help text to stdout
 * and returns 0 without running the body; otherwise the body gets the checked values.
 *
 * @example export const run = flagCommand('sounds', SPECS, SUMMARY, (o) => { …; return 0; });
 */
export function flagCommand<const S extends FlagSpecs>(
  command: string,
  specs: S,
  summary: string,
  body: (values: FlagValues<S>) => number | Promise<number>,
  more: HelpExtras = {},
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const { values, help } = parseFlags(command, argv, specs);
    if (!help) return body(values);
    process.stdout.write(formatHelp(command, summary, specs, more));
    return 0;
  };
}
