/**
 * The adapter between the interactive app and the audio player: the app reports, every frame,
 * which generation step it shows, the timeline time, whether it plays, timeline seconds per real
 * second and a counter of discontinuous jumps (the `LiveAudio` hook of app/interactive.ts); this
 * switches the player's scene when the step changes and restarts its queue on every jump.
 *
 * Usage in the app (composition root):
 *   const audio = createLiveAudio(steps.map((st) => st.scene.sound), { mute, music, warn });
 *   … every frame: audio?.follow(step, time, playing, timeScale, seeks);
 *   … finally: await audio?.close();
 */
import { Worker } from 'node:worker_threads';
import type { LiveSound } from './live-scheduler.js';
import { prepareLiveSound } from './live-scheduler.js';
import type { AudioPlayer, AudioPlayerOptions } from './player.js';
import { createAudioPlayer } from './player.js';
import type { SceneSound } from './sonification.js';

export interface LiveAudioFollower {
  follow(step: number, time: number, playing: boolean, timeScale: number, seeks: number): void;
  /**
   * Resolves when the first scene's sound is prepared (it is silent until then). While someone
   * waits, the worker preparing it keeps the process alive (otherwise it does not: a window
   * closed at once need not wait for it).
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A follower for the scenes' sounds (one per generation step), or null when muted. The first
 * scene's live gains (≈ 0.3 s of work) are computed in a worker thread started here, so the
 * window draws meanwhile; the scene is silent until they arrive (within the first second), then
 * joins at the picture's time. Later scenes (short logits-only steps) are prepared when reached,
 * in a few tens of milliseconds. Without worker threads, the first is prepared here too.
 */
export function createLiveAudio(sounds: readonly SceneSound[], options: AudioPlayerOptions = {}): LiveAudioFollower | null {
  if (options.mute === true) return null;
  const player = createAudioPlayer(options);
  if (!player.active) return null;
  return new Follower(player, sounds);
}

class Follower implements LiveAudioFollower {
  private readonly prepared: (LiveSound | undefined)[];
  private step = -1;
  private seeks = NaN;
  /** The worker computing step 0's gains, until they arrive. */
  private worker: Worker | undefined;
  private readonly first: Promise<void>;
  private firstDone: () => void = () => undefined;

  constructor(
    private readonly player: AudioPlayer,
    private readonly sounds: readonly SceneSound[],
  ) {
    this.prepared = sounds.map(() => undefined);
    this.first = new Promise((resolve) => (this.firstDone = resolve));
    if (sounds.length > 0) this.prepareFirst(sounds[0]!);
    else this.firstDone();
  }

  ready(): Promise<void> {
    // Unref'd (prepareFirst): with nothing else alive the event loop would end while the promise
    // is pending, and it would never settle.
    this.worker?.ref();
    return this.first;
  }

  private prepareFirst(sound: SceneSound): void {
    try {
      const worker = new Worker(new URL('./gains-worker.js', import.meta.url), { workerData: sound });
      this.worker = worker;
      worker.once('message', (gains: Float32Array) => {
        this.prepared[0] ??= { sound, gains };
        // Join at the picture's time on the next frame.
        if (this.step === 0) this.step = -1;
        this.worker = undefined;
        this.firstDone();
      });
      // A worker that fails leaves step 0 to be prepared on this thread when next shown.
      worker.once('error', () => {
        this.worker = undefined;
        if (this.step === 0) this.step = -1;
        this.firstDone();
      });
      worker.unref();
    } catch {
      this.prepared[0] = prepareLiveSound(sound);
      this.firstDone();
    }
  }

  private live(step: number): LiveSound | undefined {
    const sound = this.sounds[step];
    if (sound === undefined) return undefined;
    if (step === 0 && this.worker !== undefined) return undefined;
    return (this.prepared[step] ??= prepareLiveSound(sound));
  }

  follow(step: number, time: number, playing: boolean, timeScale: number, seeks: number): void {
    if (step !== this.step || seeks !== this.seeks) {
      // A new step, or a jump the time alone may not reveal (e.g. a short hop forward).
      this.player.setScene(this.live(step));
      this.step = step;
      this.seeks = seeks;
    }
    this.player.update(time, playing, timeScale);
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
    this.firstDone();
    return this.player.close();
  }
}
