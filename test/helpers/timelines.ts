/** The timelines and playback plans the playback and session tests share: a 4-step generation and the random loop. */
import { playbackPlan } from '../../src/animation/playback.js';
import { buildTimeline } from '../../src/animation/timeline.js';

export const FULL = buildTimeline('full', { hasCharDisplay: true });
export const LOGITS = buildTimeline('logits', { hasCharDisplay: true });
export const FINAL = buildTimeline('final', { hasCharDisplay: true });
export const RANDOM = buildTimeline('random', { hasCharDisplay: false });
/** A 4-step generation: full, logits, logits, final. */
export const GEN = playbackPlan([FULL, LOGITS, LOGITS, FINAL]);
/** Random mode: one looping timeline. */
export const LOOP = playbackPlan([RANDOM]);
