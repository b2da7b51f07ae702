/**
 * The scenes of one run, shared by the window and the recorder: random mode is one looping
 * scene; with --text every generation step is precomputed (spec §3.2) — the same steps and the
 * same printed lines as `gptviz generate` — and turned into full / logits-only / final scenes.
 */
import type { ViewOptions } from '../cli/options.js';
import { promptFor } from '../cli/options.js';
import type { RecordingScene } from '../record/scenes.js';
import { generationScenes, randomScenes } from '../record/scenes.js';
import type { Generation } from '../transformer/generation.js';

export interface RunScenes {
  readonly scenes: RecordingScene[];
  /** The generation behind the scenes (index i ↔ scenes[i]); undefined in random mode. */
  readonly generation?: Generation;
}

/** Build the run's scenes, printing the generation steps through `say`. */
export async function runScenes(opts: ViewOptions, say: (line: string) => void): Promise<RunScenes> {
  if (opts.text === undefined || opts.weights === undefined) return { scenes: randomScenes() };
  const { loadWeights } = await import('../transformer/weights-file.js');
  const gen = await import('../transformer/generation.js');
  const weights = loadWeights(opts.weights);
  const prompt = promptFor(opts.text, weights.config.seqLen, opts.length);
  const generation = gen.runGeneration(weights, prompt, { temperature: opts.temperature, seed: opts.seed, length: opts.length });
  for (const e of generation.log) say(gen.formatStepLine(e));
  say(gen.formatResultLine(generation.result));
  return { scenes: generationScenes(generation.steps, generation.result), generation };
}
