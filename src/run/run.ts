/**
 * The run: the one place that turns `{text, weights, temperature, seed}` into what every
 * front-end shows — the window, `--record`, `--snapshot` and the contact sheet all take their
 * scenes from here, and `gptviz generate` its generation. Random mode (no --text) is one looping
 * scene over seeded random weights; with --text the prompt is cut to the model's context with a
 * warning (run/prompt.ts) unless a --length asks for more (issue 13: a sliding window past the
 * context), every generation step is precomputed (spec §3.2) and each step is one
 * scene (run/scenes.ts), built on first use by index so a snapshot of step 1 builds one scene.
 *
 * What it is not: no flag parsing (cli/), no drawing or playback (app/), no maths (transformer/).
 */
import { DEFAULT_CONFIG } from '../transformer/config.js';
import type { ModelConfig } from '../transformer/config.js';
import type { Generation } from '../transformer/generation.js';
import { formatResultLine, formatStepLine, runGeneration } from '../transformer/generation.js';
import { randomModeForward } from '../transformer/model.js';
import type { Weights } from '../transformer/weights.js';
import { loadWeights } from '../transformer/weights-file.js';
import { promptFor, stderrWarn } from './prompt.js';
import type { Warn } from './prompt.js';
import type { RunScene } from './scenes.js';
import { randomScene, stepScene } from './scenes.js';

/** What a run is built from (the visualiser's and the contact sheet's options carry these). */
export interface RunOptions {
  /** The cleaned prompt (run/prompt.ts `cleanPrompt`), or undefined for the random-weights mode. */
  readonly text: string | undefined;
  /** Path of the weights file for `text`; undefined in random mode. */
  readonly weights: string | undefined;
  /** Sampling temperature ≥ 0; 0 = greedy. */
  readonly temperature: number;
  /** Integer 0 … 2³²−1 XOR-ed into the sampling seed (spec §1.7), or undefined. */
  readonly seed: number | undefined;
  /**
   * Generate until the text is this long (issue 13; ≥ the prompt's length, ≤ 4096), or
   * undefined = the model's context S. Past S the model sees the last S characters.
   */
  readonly length?: number;
}

export interface Run {
  /** The generation behind the scenes (step i ↔ scene i); undefined in random mode. */
  readonly generation?: Generation;
  /** Number of scenes: 1 in random mode, one per generation step otherwise. */
  readonly length: number;
  /** Scene `i` (0 ≤ i < length), built on first use together with the scenes before it. */
  scene(i: number): RunScene;
  /** Every scene, in order. */
  scenes(): readonly RunScene[];
}

/** A run over a list of scenes built lazily in order: scene i may need scene i − 1. */
function lazyRun(length: number, build: (i: number, previous: RunScene | undefined) => RunScene, generation?: Generation): Run {
  const built: RunScene[] = [];
  const scene = (i: number): RunScene => {
    if (!Number.isInteger(i) || i < 0 || i >= length) throw new RangeError(`run: no scene ${i} (0 … ${length - 1})`);
    while (built.length <= i) built.push(build(built.length, built[built.length - 1]));
    return built[i]!;
  };
  const scenes = (): readonly RunScene[] => {
    if (length > 0) scene(length - 1);
    return built;
  };
  return { generation, length, scene, scenes };
}

/** The random-weights run (spec §1.9): one scene, played in a loop. */
export function randomRun(config: ModelConfig = DEFAULT_CONFIG): Run {
  return lazyRun(1, () => randomScene(randomModeForward(config)));
}

/** The options a generation takes. */
export type GenerateOptions = Pick<RunOptions, 'temperature' | 'seed' | 'length'>;

/**
 * The generation for a cleaned prompt: without a length, cut to the model's S with a warning
 * through `warn`; with one (issue 13), kept whole and generated to that length (a length below
 * the prompt's is a UsageError naming `command`'s help). Every step precomputed. `gptviz
 * generate` prints exactly this.
 */
export function generate(weights: Weights, text: string, opts: GenerateOptions, warn: Warn = stderrWarn, command = ''): Generation {
  const prompt = promptFor(text, weights.config.seqLen, opts.length, warn, command);
  return runGeneration(weights, prompt, { temperature: opts.temperature, seed: opts.seed, length: opts.length });
}

/** The generation run of a cleaned prompt over loaded weights: one scene per step. */
export function generationRun(weights: Weights, text: string, opts: GenerateOptions, warn: Warn = stderrWarn): Run {
  const generation = generate(weights, text, opts, warn);
  const steps = generation.steps;
  return lazyRun(
    steps.length, (i, prev) => stepScene(steps[i]!, i, steps.length, prev?.scene.nextCharSpacing, generation.result), generation,
  );
}

/**
 * Build the run for the options: random mode without text (or weights), otherwise load the
 * weights and precompute the generation. Warnings (the prompt cut to S) go through `warn`.
 */
export function buildRun(opts: RunOptions, warn: Warn = stderrWarn): Run {
  if (opts.text === undefined || opts.weights === undefined) return randomRun();
  return generationRun(loadWeights(opts.weights), opts.text, opts, warn);
}

/** The console lines of a generation, as `gptviz generate` prints them (without --top). */
export function generationLines(generation: Generation): string[] {
  return [...generation.log.map(formatStepLine), formatResultLine(generation.result)];
}
