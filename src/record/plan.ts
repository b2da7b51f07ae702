/**
 * The recording plan (spec §9.2, issue 9): ONE cumulative output clock for the whole video.
 * Scene j plays `duration_j` timeline seconds at `speed × rate_j` timeline seconds per output
 * second (rate = 3 for logits-only scenes, so they play as fast in the video as in the window —
 * fixing spec §11.3 #5), occupying [start_j, start_j + duration_j / (speed·rate_j)) on the output
 * clock. Output frame i is at output time i/fps; `frameTimeInto` maps it to (scene, timeline time).
 * The soundtrack is placed with the same `start_j` and the same speeds, and lasts exactly
 * frames/fps, so audio and video agree to within a sample (fixing §11.3 #6, where per-scene frame
 * counts were rounded down while audio was not).
 *
 * `--max-duration` (0 = no cap): when the video would be longer, the speed is raised so it is
 * exactly the cap (never lowered), and `autoScaled` says so.
 *
 * What it is not: no rendering, no audio, no IO — pure arithmetic, allocation-free per frame.
 */

/** What the plan needs of one scene. */
export interface PlanScene {
  /** 'full' | 'random' | 'logits' | 'final' — for the printed plan only. */
  readonly kind: string;
  /** One play-through in timeline seconds (total + return). */
  readonly duration: number;
  /** The scene's own playback rate on top of the speed (3 for logits-only, else 1). */
  readonly rate: number;
}

export interface PlanOptions {
  /** Frames per second of the video (integer ≥ 1). */
  readonly fps: number;
  /** The user's speed multiplier (> 0). */
  readonly speed: number;
  /** Cap on the video length in seconds; 0 disables. */
  readonly maxDuration: number;
}

export interface PlannedScene extends PlanScene {
  readonly index: number;
  /** Timeline seconds per output second: speed × rate. */
  readonly timeScale: number;
  /** Start on the output clock, seconds. */
  readonly start: number;
  /** Length on the output clock, seconds: duration / timeScale. */
  readonly outputDuration: number;
  /** First output frame that shows this scene, and how many do. */
  readonly firstFrame: number;
  readonly frameCount: number;
}

export interface RecordPlan {
  readonly fps: number;
  /** Effective speed (the user's, or raised by --max-duration). */
  readonly speed: number;
  /** The speed the user asked for. */
  readonly requestedSpeed: number;
  /** True when --max-duration raised the speed. */
  readonly autoScaled: boolean;
  readonly scenes: readonly PlannedScene[];
  /** Number of output frames: ⌈Σ outputDuration · fps⌉ (at least 1). */
  readonly frames: number;
  /** Video length in seconds = frames / fps (the soundtrack has exactly this length). */
  readonly seconds: number;
  /** Σ duration_j / rate_j: timeline seconds of the whole run at speed 1. */
  readonly timelineSeconds: number;
}

/** Mutable result of `frameTimeInto` (reuse one object per loop). */
export interface FrameTime {
  /** Index of the scene the frame shows. */
  scene: number;
  /** Timeline time within that scene, seconds, in [0, duration]. */
  time: number;
  /** Output time of the frame, seconds. */
  outputTime: number;
}

/** Float slack so that k/fps that is mathematically on a boundary lands on the right side. */
const EPS = 1e-9;

/**
 * Build the plan. Throws RangeError on impossible inputs (the CLI validates user flags first).
 *
 * @example
 * const p = buildPlan([{kind: 'random', duration: 84.974, rate: 1}], {fps: 30, speed: 1, maxDuration: 0});
 * p.frames // → 2550 (⌈84.974 · 30⌉)
 */
export function buildPlan(scenes: readonly PlanScene[], opts: PlanOptions): RecordPlan {
  if (scenes.length === 0) throw new RangeError('buildPlan: no scenes');
  if (!Number.isInteger(opts.fps) || opts.fps < 1) throw new RangeError(`buildPlan: fps must be a positive integer (got ${opts.fps})`);
  if (!(opts.speed > 0)) throw new RangeError(`buildPlan: speed must be > 0 (got ${opts.speed})`);
  if (!(opts.maxDuration >= 0)) throw new RangeError(`buildPlan: maxDuration must be ≥ 0 (got ${opts.maxDuration})`);
  let timelineSeconds = 0;
  for (const s of scenes) {
    if (!(s.duration >= 0) || !(s.rate > 0)) throw new RangeError(`buildPlan: bad scene ${s.kind} (duration ${s.duration}, rate ${s.rate})`);
    timelineSeconds += s.duration / s.rate;
  }
  let speed = opts.speed;
  let autoScaled = false;
  if (opts.maxDuration > 0 && timelineSeconds / speed > opts.maxDuration) {
    speed = timelineSeconds / opts.maxDuration;
    autoScaled = true;
  }
  const fps = opts.fps;
  const planned: PlannedScene[] = [];
  let start = 0;
  for (let index = 0; index < scenes.length; index++) {
    const s = scenes[index]!;
    const timeScale = speed * s.rate;
    const outputDuration = s.duration / timeScale;
    // Only the plan's fields: a scene's other properties (its sound, built on first use) stay unread.
    planned.push({ kind: s.kind, duration: s.duration, rate: s.rate, index, timeScale, start, outputDuration, firstFrame: 0, frameCount: 0 });
    start += outputDuration;
  }
  const frames = Math.max(1, Math.ceil(start * fps - EPS));
  // Frame ranges: frame i belongs to the last scene whose start ≤ i/fps.
  const firsts = planned.map((p) => Math.min(frames, Math.max(0, Math.ceil(p.start * fps - EPS))));
  firsts[0] = 0;
  const withFrames = planned.map((p, j) => {
    const next = j + 1 < planned.length ? firsts[j + 1]! : frames;
    return Object.freeze({ ...p, firstFrame: firsts[j]!, frameCount: Math.max(0, next - firsts[j]!) });
  });
  return Object.freeze({
    fps, speed, requestedSpeed: opts.speed, autoScaled,
    scenes: Object.freeze(withFrames), frames, seconds: frames / fps, timelineSeconds,
  });
}

/**
 * Where output frame `i` lands: its scene and the timeline time in it. Allocation-free; writes
 * into `out` and returns it.
 *
 * @example frameTimeInto(plan, 45, {scene: 0, time: 0, outputTime: 0}).time // → 45/fps · speed
 */
export function frameTimeInto(plan: RecordPlan, i: number, out: FrameTime): FrameTime {
  const scenes = plan.scenes;
  let j = scenes.length - 1;
  while (j > 0 && scenes[j]!.firstFrame > i) j--;
  const s = scenes[j]!;
  const outputTime = i / plan.fps;
  const t = (outputTime - s.start) * s.timeScale;
  out.scene = j;
  out.time = t <= 0 ? 0 : t >= s.duration ? s.duration : t;
  out.outputTime = outputTime;
  return out;
}

/** `m:ss` (or `h:mm:ss`) for seconds ≥ 0. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The printed plan (spec §9.2), one string per line. */
export function describePlan(plan: RecordPlan, width: number, height: number, maxDuration: number): string[] {
  const lines = [
    `=== Recording: ${plan.frames} frames @ ${plan.fps}fps (speed=${plan.speed.toFixed(2)}x) ===`,
  ];
  if (plan.autoScaled) {
    lines.push(
      `  --max-duration ${maxDuration}: speed raised from ${plan.requestedSpeed}x to ${plan.speed.toFixed(3)}x ` +
      `so the video fits (${plan.timelineSeconds.toFixed(1)} s of animation → ${plan.seconds.toFixed(1)} s)`,
    );
  }
  lines.push(`  ${plan.scenes.length} step${plan.scenes.length === 1 ? '' : 's'}, ${width}×${height}, ` +
    `${plan.timelineSeconds.toFixed(1)} s timeline → ${plan.seconds.toFixed(2)} s video`);
  for (const s of plan.scenes) {
    const rate = s.rate !== 1 ? ` (${s.rate}× scene rate)` : '';
    lines.push(`  step ${s.index + 1}: ${s.kind.padEnd(6)} ${s.duration.toFixed(3)} s → ${s.outputDuration.toFixed(3)} s, ` +
      `${s.frameCount} frames${rate}`);
  }
  return lines;
}
