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
import type { LiveSound } from './live-scheduler.js';
import { prepareLiveSound } from './live-scheduler.js';
import type { AudioPlayer, AudioPlayerOptions } from './player.js';
import { createAudioPlayer } from './player.js';
import type { SceneSound } from './sonification.js';

export interface LiveAudioFollower {
  follow(step: number, time: number, playing: boolean, timeScale: number, seeks: number): void;
  close(): Promise<void>;
}

/**
 * A follower for the scenes' sounds (one per generation step), or null when muted. The first
 * scene's live gains are prepared here, before the window's first frame; later scenes (short
 * logits-only steps) are prepared when reached, in a few tens of milliseconds.
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

  constructor(
    private readonly player: AudioPlayer,
    private readonly sounds: readonly SceneSound[],
  ) {
    this.prepared = sounds.map(() => undefined);
    if (sounds.length > 0) this.prepared[0] = prepareLiveSound(sounds[0]!);
  }

  private live(step: number): LiveSound | undefined {
    const sound = this.sounds[step];
    if (sound === undefined) return undefined;
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

  close(): Promise<void> {
    return this.player.close();
  }
}
