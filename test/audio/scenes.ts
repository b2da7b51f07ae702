/**
 * Test scenes for the audio tests: real timelines (animation/timeline.ts) and real forward
 * records (transformer/model.ts, default initialisation = the golden fixtures' weights).
 */
import { buildTimeline } from '../../src/animation/timeline.js';
import type { SceneKind } from '../../src/animation/stages.js';
import type { SceneSound } from '../../src/audio/sonification.js';
import { buildSceneSound } from '../../src/audio/sonification.js';
import type { ForwardRecord } from '../../src/transformer/activations.js';
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import { forward, randomModeForward } from '../../src/transformer/model.js';
import { encode } from '../../src/transformer/vocab.js';

let helloRecord: ForwardRecord | undefined;
let randomRecord: ForwardRecord | undefined;

/** forward('hello') with the default-initialised weights, temperature 0.3. */
export function hello(): ForwardRecord {
  helloRecord ??= forward(initWeights(DEFAULT_CONFIG), encode('hello', DEFAULT_CONFIG.seqLen), { temperature: 0.3 });
  return helloRecord;
}

export function randomMode(): ForwardRecord {
  randomRecord ??= randomModeForward(DEFAULT_CONFIG);
  return randomRecord;
}

export function timeline(kind: SceneKind) {
  return buildTimeline(kind, { hasCharDisplay: kind !== 'random' });
}

export function sceneSound(kind: SceneKind, sceneIndex = 0, predPos = 4): SceneSound {
  const record = kind === 'random' ? randomMode() : hello();
  return buildSceneSound({ kind, timeline: timeline(kind), record, predPos, sceneIndex });
}
