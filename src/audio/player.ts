/**
 * Live audio in the window (effect shell): plays the current scene's sonification in sync with
 * the picture, and the generated music under it with `--music`. node-web-audio-api 1.0.x
 * (Node 20); the module is loaded only here, only when sound is wanted.
 *
 * Contract for the app (see also the report/README):
 *   const audio = createAudioPlayer({ mute, music, warn });
 *   audio.setScene(sceneSound or prepareLiveSound(sceneSound));   // on every scene change
 *   audio.update(timelineTime, playing, speed);                    // every frame, after advancing
 *   await audio.close();                                           // in finally / on SIGINT
 * The picture drives: `update` is fed the timeline time the frame shows; pause, seek, loop and
 * speed changes are detected from it (live-scheduler.ts), so they need no extra calls.
 *
 * Never crashes the window: no device (no /dev/snd on Linux) → one warning line and a silent
 * context with a real clock ({sinkId: {type: 'none'}}), detected BEFORE the library prints
 * ALSA noise; any failure to load or open audio → one warning line and a no-op player.
 * Music is rendered in a worker thread so the window does not wait for it.
 *
 * Automation note: only setValueAtTime is used on AudioParams — setTargetAtTime right after
 * another automation event overshoots ≈ 20× in this library version.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SAMPLE_RATE } from './grains.js';
import type { LiveSound } from './live-scheduler.js';
import { LiveScheduler, prepareLiveSound } from './live-scheduler.js';
import type { SceneSound } from './sonification.js';
import { MUSIC_UNDER_GAIN } from './soundtrack.js';

/** The slice of the Web Audio API used here (the library's own typings pull in lib.dom). */
interface ParamLike {
  setValueAtTime(value: number, time: number): unknown;
}
interface NodeLike {
  connect(destination: NodeLike): unknown;
  disconnect(): void;
}
interface BufferLike {
  copyToChannel(source: Float32Array, channel: number): void;
  readonly duration: number;
}
interface SourceLike extends NodeLike {
  buffer: BufferLike | null;
  loop: boolean;
  onended: (() => void) | null;
  start(when?: number, offset?: number): void;
  stop(when?: number): void;
}
interface GainLike extends NodeLike {
  readonly gain: ParamLike;
}
export interface ContextLike {
  readonly currentTime: number;
  readonly destination: NodeLike;
  createBuffer(channels: number, length: number, sampleRate: number): BufferLike;
  createBufferSource(): SourceLike;
  createGain(): GainLike;
  close(): Promise<void>;
}

export interface AudioPlayerOptions {
  /** Silence everything (no audio context is opened at all). */
  readonly mute?: boolean;
  /** Play the generated music under the sonification. */
  readonly music?: boolean;
  /** Where the one-line warnings go (default: stderr). */
  readonly warn?: (line: string) => void;
  /** Opens the context (tests inject one); default: node-web-audio-api, device-aware. */
  readonly openContext?: (warn: (line: string) => void) => ContextLike | undefined;
  /** Music length to render and loop (s; default 120). */
  readonly musicSeconds?: number;
}

export interface AudioPlayer {
  /** The scene whose events play now (undefined: silence). Prepared sounds switch instantly. */
  setScene(sound: SceneSound | LiveSound | undefined): void;
  /** Every frame: the picture's timeline time, whether it plays, and its speed. */
  update(timelineTime: number, playing: boolean, speed: number): void;
  /** Stop everything and release the device. Safe to call twice. */
  close(): Promise<void>;
  /** False for the muted / failed no-op player. */
  readonly active: boolean;
}

/** Run a Web Audio call whose failure does not matter (stopping or disconnecting something gone). */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // already stopped / disconnected / context closed
  }
}

const NOOP: AudioPlayer = {
  setScene: () => undefined,
  update: () => undefined,
  close: () => Promise.resolve(),
  active: false,
};

/** Open a node-web-audio-api context; no device → warn once and open a silent one. */
function openDefaultContext(warn: (line: string) => void): ContextLike | undefined {
  const require = createRequire(import.meta.url);
  const lib = require('node-web-audio-api') as { AudioContext: new (opts?: object) => ContextLike };
  const silent = { sinkId: { type: 'none' }, sampleRate: SAMPLE_RATE };
  if (process.platform === 'linux' && !existsSync('/dev/snd')) {
    warn('gptviz: warning: no audio device (/dev/snd is missing) — running without sound');
    return new lib.AudioContext(silent);
  }
  try {
    return new lib.AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
  } catch (e) {
    warn(`gptviz: warning: cannot open the audio device (${e instanceof Error ? e.message : String(e)}) — running without sound`);
    return new lib.AudioContext(silent);
  }
}

/** Create the player. Never throws: problems become one warning line and a silent player. */
export function createAudioPlayer(options: AudioPlayerOptions = {}): AudioPlayer {
  if (options.mute === true) return NOOP;
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  let ctx: ContextLike | undefined;
  try {
    ctx = (options.openContext ?? openDefaultContext)(warn);
  } catch (e) {
    warn(`gptviz: warning: audio unavailable (${e instanceof Error ? e.message : String(e)}) — running without sound`);
    return NOOP;
  }
  if (ctx === undefined) return NOOP;
  return new WebAudioPlayer(ctx, warn, options.music === true, options.musicSeconds ?? 120);
}

class WebAudioPlayer implements AudioPlayer {
  readonly active = true;
  private readonly scheduler = new LiveScheduler();
  private readonly bus: GainLike;
  private readonly queued = new Set<SourceLike>();
  private closed = false;
  private music: { left: Float32Array; right: Float32Array } | undefined;
  private musicSource: SourceLike | undefined;
  private musicGain: GainLike | undefined;
  private musicWorker: Worker | undefined;
  /** Real seconds into the music loop, kept while paused. */
  private musicOffset = 0;
  private musicStartedAt = 0;

  constructor(
    private readonly ctx: ContextLike,
    private readonly warn: (line: string) => void,
    wantMusic: boolean,
    musicSeconds: number,
  ) {
    this.bus = ctx.createGain();
    this.bus.connect(ctx.destination);
    if (wantMusic) this.startMusicWorker(musicSeconds);
  }

  setScene(sound: SceneSound | LiveSound | undefined): void {
    if (this.closed) return;
    const live = sound === undefined ? undefined : 'gains' in sound ? sound : prepareLiveSound(sound);
    this.scheduler.setScene(live);
  }

  update(timelineTime: number, playing: boolean, speed: number): void {
    if (this.closed) return;
    try {
      const now = this.ctx.currentTime;
      const step = this.scheduler.update(now, timelineTime, playing, speed);
      if (step.cancel) this.stopQueued(now);
      for (const b of step.blocks) this.play(b.left, b.right, Math.max(b.when, now));
      this.updateMusic(playing, now);
    } catch (e) {
      // Audio must never take the window down: report once, then stay silent.
      this.warn(`gptviz: warning: audio stopped (${e instanceof Error ? e.message : String(e)})`);
      void this.close();
    }
  }

  private play(left: Float32Array, right: Float32Array, when: number): void {
    const buf = this.ctx.createBuffer(2, left.length, SAMPLE_RATE);
    buf.copyToChannel(left, 0);
    buf.copyToChannel(right, 1);
    const src = this.ctx.createBufferSource();
    src.buffer = buf;
    src.connect(this.bus);
    src.onended = () => {
      this.queued.delete(src);
      safely(() => src.disconnect());
    };
    this.queued.add(src);
    src.start(when);
  }

  private stopQueued(now: number): void {
    for (const src of this.queued) {
      src.onended = null; // it may fire after close(), when the context rejects every call
      safely(() => src.stop(now));
      safely(() => src.disconnect());
    }
    this.queued.clear();
  }

  private startMusicWorker(seconds: number): void {
    try {
      const worker = new Worker(new URL('./music-worker.js', import.meta.url), { workerData: { durationSeconds: seconds } });
      this.musicWorker = worker;
      worker.once('message', (m: { left: Float32Array; right: Float32Array }) => {
        this.music = m;
        void worker.terminate();
        this.musicWorker = undefined;
      });
      worker.once('error', (e) => this.warn(`gptviz: warning: music unavailable (${e.message})`));
      worker.once('exit', (code) => {
        if (this.music === undefined && !this.closed && code !== 0) this.warn(`gptviz: warning: music unavailable (renderer exited with code ${code})`);
      });
      worker.unref();
    } catch (e) {
      this.warn(`gptviz: warning: music unavailable (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  /** Music loops in real time while the picture plays, and pauses with it. */
  private updateMusic(playing: boolean, now: number): void {
    if (this.music === undefined) return;
    if (playing && this.musicSource === undefined) {
      const { left, right } = this.music;
      const buf = this.ctx.createBuffer(2, left.length, SAMPLE_RATE);
      buf.copyToChannel(left, 0);
      buf.copyToChannel(right, 1);
      const gain = this.ctx.createGain();
      gain.gain.setValueAtTime(MUSIC_UNDER_GAIN, now);
      gain.connect(this.bus);
      const src = this.ctx.createBufferSource();
      src.buffer = buf;
      src.loop = true;
      src.connect(gain);
      src.start(now, this.musicOffset % buf.duration);
      this.musicSource = src;
      this.musicGain = gain;
      this.musicStartedAt = now;
    } else if (!playing && this.musicSource !== undefined) {
      this.musicOffset += now - this.musicStartedAt;
      this.stopMusic(now);
    }
  }

  private stopMusic(now: number): void {
    const src = this.musicSource;
    const gain = this.musicGain;
    if (src !== undefined) {
      safely(() => src.stop(now));
      safely(() => src.disconnect());
    }
    if (gain !== undefined) safely(() => gain.disconnect());
    this.musicSource = undefined;
    this.musicGain = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      const now = this.ctx.currentTime;
      this.stopQueued(now);
      this.stopMusic(now);
      if (this.musicWorker !== undefined) await this.musicWorker.terminate();
      await this.ctx.close();
    } catch {
      // closing is best effort
    }
  }
}
