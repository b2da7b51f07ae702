/**
 * Recording progress on stderr (issue 9): on a TTY a one-line bar redrawn in place (frames,
 * frames/s, ETA, current step and stage) at most ~8 times a second; otherwise plain lines, one
 * per `fps` frames and on each step's last frame (spec §9.2:
 * `  [frame/total] pct%  t=12.3s  stage_name`), plus frames/s and ETA. The clock is injected.
 *
 * What it is not: no rendering, no summary formatting beyond `formatSummary`.
 */
import { clock } from './plan.js';

export interface ProgressSink {
  write(text: string): unknown;
}

export interface ProgressOptions {
  readonly total: number;
  readonly fps: number;
  readonly tty: boolean;
  readonly out: ProgressSink;
  /** Milliseconds, monotonic. */
  readonly now: () => number;
  /** Bar width in characters (TTY). */
  readonly barWidth?: number;
  /** Where a frame is, e.g. "step 2/12 token_probs" (called only when a line is drawn). */
  readonly where: (scene: number, time: number) => string;
}

/** What `update` is told about the frame just handed over (a reusable mutable record). */
export interface FrameInfo {
  /** Frames done (1-based count). */
  done: number;
  /** Step (scene) index of the last frame. */
  scene: number;
  /** Timeline time of the last frame (s). */
  time: number;
  /** True on a step's last frame (a plain line is always printed then). */
  sceneEnd: boolean;
}

export class Progress {
  private readonly start: number;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(private readonly o: ProgressOptions) {
    this.start = o.now();
  }

  /** Frames per second of wall time so far. */
  rate(done: number): number {
    const s = (this.o.now() - this.start) / 1000;
    return s > 0 ? done / s : 0;
  }

  update(f: FrameInfo): void {
    const { total, fps, tty, out } = this.o;
    if (tty) {
      const now = this.o.now();
      if (f.done < total && now - this.lastDraw < 120) return;
      this.lastDraw = now;
      const w = this.o.barWidth ?? 28;
      const fill = Math.round((w * f.done) / total);
      const bar = '█'.repeat(fill) + '░'.repeat(w - fill);
      out.write(`\r\x1b[K${bar} ${this.stats(f.done)}  ${this.o.where(f.scene, f.time)}`);
      this.drawn = true;
      return;
    }
    if (f.done % fps === 0 || f.sceneEnd || f.done === total) {
      const pct = Math.floor((100 * f.done) / total);
      const rate = this.rate(f.done);
      const eta = rate > 0 ? (total - f.done) / rate : 0;
      out.write(`  [${f.done}/${total}] ${pct}%  t=${f.time.toFixed(1)}s  ${this.o.where(f.scene, f.time)}  ${rate.toFixed(1)} fps  ETA ${clock(eta)}\n`);
    }
  }

  private stats(done: number): string {
    const total = this.o.total;
    const rate = this.rate(done);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const pct = Math.floor((100 * done) / total);
    return `${String(pct).padStart(3)}%  ${done}/${total} frames  ${rate.toFixed(1)} fps  ETA ${clock(eta)}`;
  }

  /** End the TTY line (before any other output). */
  end(): void {
    if (this.drawn) this.o.out.write('\n');
    this.drawn = false;
  }

  /** Wall seconds since construction. */
  elapsed(): number {
    return (this.o.now() - this.start) / 1000;
  }
}

/** "12.3 MB" style size. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} B`;
}
