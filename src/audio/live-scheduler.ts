/**
 * The live sonification scheduler (pure; player.ts binds it to an AudioContext). The picture
 * drives and audio follows: every frame the app reports its timeline time, whether it is playing
 * and its speed; the scheduler renders the events of the next LOOK_AHEAD_S of output time into
 * short stereo blocks (BLOCK_S each) and says at which context time each block must start:
 * when = now + (blockStart − t)/speed. Each new block is placed from the CURRENT frame's time, so
 * there is no accumulated drift however long it plays; a jump (seek, reset, loop), a speed change
 * or a pause cancels what is queued and restarts from the picture's time.
 *
 * Why blocks and not one AudioBufferSourceNode per grain: dense stages reach ≈ 1,000 grains per
 * second (×W1); 20 blocks per second cost the audio thread far less. Grains are rendered exactly
 * as offline (same per-event seed, render.ts), then through the same high-/low-pass and Haas
 * delay; the compressor and normalisation become a per-event gain taken from the offline chain at
 * timeline speed (liveEventGains), so the live sound follows the recording's loudness.
 */
import { haasStereo, HAAS_SAMPLES, highPassInPlace, lowPassInPlace } from './chain.js';
import type { SceneSound } from './sonification.js';
import { liveEventGains, renderGrainInto } from './render.js';
import { SAMPLE_RATE } from './grains.js';
import { Random } from './random.js';

/** Output seconds per block. */
export const BLOCK_S = 0.05;
/** How far ahead of the picture blocks are queued (output seconds). */
export const LOOK_AHEAD_S = 0.15;
/** Samples after a block for grain and filter tails (the 30 Hz high-pass decays in ≈ 25 ms). */
const TAIL = 2048;

/** A scene's events plus the per-event live gains (compute once per scene, e.g. ahead of time). */
export interface LiveSound {
  readonly sound: SceneSound;
  readonly gains: Float32Array;
}

export function prepareLiveSound(sound: SceneSound): LiveSound {
  return { sound, gains: liveEventGains(sound) };
}

export interface LiveBlock {
  /** Context time (s) at which the block starts. */
  readonly when: number;
  readonly left: Float32Array;
  readonly right: Float32Array;
  /** Timeline span [from, to) the block covers (for tests and debugging). */
  readonly from: number;
  readonly to: number;
  /** Number of events in the block. */
  readonly events: number;
  /**
   * Sample index of the block's first sample on the scene's own output clock at this speed
   * (⌊from/speed · 44100⌋): grains sit at ⌊time/speed · 44100⌋ − startSample, the very sample
   * grid of the offline render, so the live blocks add up to the recording's signal.
   */
  readonly startSample: number;
}

export interface SchedulerStep {
  /** Stop every queued and playing block before starting `blocks`. */
  readonly cancel: boolean;
  readonly blocks: LiveBlock[];
}

/** First index whose event time is ≥ t. */
function lowerBound(sound: SceneSound, t: number): number {
  const ev = sound.events;
  let lo = 0;
  let hi = ev.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ev[mid]!.time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LiveScheduler {
  private live: LiveSound | undefined;
  /** Timeline time up to which blocks are queued; NaN when idle. */
  private until = NaN;
  private next = 0;
  private lastT = 0;
  private lastSpeed = 1;
  private pendingCancel = false;
  private readonly rng = new Random(0);

  /** Switch scene; everything queued is cancelled at the next update. */
  setScene(live: LiveSound | undefined): void {
    this.live = live;
    this.until = NaN;
    this.pendingCancel = true;
  }

  /**
   * One frame. `now` = context time (s), `t` = the picture's timeline time, `speed` = timeline
   * seconds per real second.
   */
  update(now: number, t: number, playing: boolean, speed: number): SchedulerStep {
    let cancel = this.pendingCancel;
    this.pendingCancel = false;
    const live = this.live;
    if (!playing || live === undefined || !(speed > 0)) {
      if (!Number.isNaN(this.until)) cancel = true;
      this.until = NaN;
      return { cancel, blocks: [] };
    }
    const jumped =
      Number.isNaN(this.until) ||
      speed !== this.lastSpeed ||
      t < this.lastT - 1e-9 ||
      t > this.until; // fell behind or jumped forward past the queue
    if (jumped) {
      if (!Number.isNaN(this.until)) cancel = true;
      this.until = t;
      this.next = lowerBound(live.sound, t);
    }
    this.lastT = t;
    this.lastSpeed = speed;
    const blocks: LiveBlock[] = [];
    const horizon = t + LOOK_AHEAD_S * speed;
    while (this.until < horizon) {
      const from = this.until;
      const to = from + BLOCK_S * speed;
      const block = this.renderBlock(live, from, to, speed, now - t / speed);
      if (block !== undefined) blocks.push(block);
      this.until = to;
    }
    return { cancel, blocks };
  }

  /** `zero` = the context time at which the scene's timeline 0 would play at this speed. */
  private renderBlock(live: LiveSound, from: number, to: number, speed: number, zero: number): LiveBlock | undefined {
    const ev = live.sound.events;
    const first = this.next;
    let end = first;
    while (end < ev.length && ev[end]!.time < to) end++;
    this.next = end;
    if (end === first) return undefined;
    const k = SAMPLE_RATE / speed;
    const startSample = Math.floor(from * k);
    const n = Math.ceil(BLOCK_S * SAMPLE_RATE) + 1 + TAIL;
    const mono = new Float32Array(n);
    for (let i = first; i < end; i++) {
      renderGrainInto(mono, Math.floor(ev[i]!.time * k) - startSample, ev[i]!, live.sound.renderSeed, i, this.rng, live.gains[i]!);
    }
    highPassInPlace(mono, undefined, true);
    lowPassInPlace(mono, undefined, true);
    const left = new Float32Array(n + HAAS_SAMPLES);
    const right = new Float32Array(n + HAAS_SAMPLES);
    haasStereo(mono, left, right);
    for (let i = 0; i < HAAS_SAMPLES; i++) right[n + i] = mono[n - HAAS_SAMPLES + i]!;
    return { when: zero + startSample / SAMPLE_RATE, left, right, from, to, events: end - first, startSample };
  }
}
