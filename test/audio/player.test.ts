import test from 'ava';
import { existsSync } from 'node:fs';
import { createAudioPlayer } from '../../src/audio/player.js';
import type { ContextLike } from '../../src/audio/player.js';
import { sceneSound } from './scenes.js';

interface Started {
  when: number;
  length: number;
  stopped: boolean;
  loop: boolean;
}

/** A recording stand-in for an AudioContext whose clock the test moves. */
function fakeContext(): { ctx: ContextLike; started: Started[]; clock: { now: number }; closed: { v: boolean } } {
  const started: Started[] = [];
  const clock = { now: 0 };
  const closed = { v: false };
  const node = { connect: () => undefined, disconnect: () => undefined };
  const ctx: ContextLike = {
    get currentTime() {
      return clock.now;
    },
    destination: node,
    createBuffer: (_c, length) => ({ copyToChannel: () => undefined, duration: length / 44100 }),
    createBufferSource: () => {
      const rec: Started = { when: NaN, length: 0, stopped: false, loop: false };
      return {
        ...node,
        buffer: null,
        loop: false,
        onended: null,
        start(when?: number) {
          rec.when = when ?? 0;
          rec.loop = this.loop;
          started.push(rec);
        },
        stop() {
          rec.stopped = true;
        },
      };
    },
    createGain: () => ({ ...node, gain: { setValueAtTime: () => undefined } }),
    close: () => {
      closed.v = true;
      return Promise.resolve();
    },
  };
  return { ctx, started, clock, closed };
}

test('--mute gives an inactive player that does nothing', async (t) => {
  const p = createAudioPlayer({ mute: true, openContext: () => t.fail('no context when muted') as never });
  t.false(p.active);
  p.setScene(sceneSound('final'));
  p.update(1, true, 1);
  await p.close();
});

test('a context that cannot open → one warning line, silent no-op player, no throw', async (t) => {
  const lines: string[] = [];
  const p = createAudioPlayer({
    warn: (l) => lines.push(l),
    openContext: () => {
      throw new Error('DeviceNotAvailable');
    },
  });
  t.false(p.active);
  t.is(lines.length, 1);
  t.regex(lines[0]!, /DeviceNotAvailable/);
  p.update(1, true, 1);
  await p.close();
});

test('queues blocks ahead of the picture, stops them on pause, closes once', async (t) => {
  const f = fakeContext();
  const p = createAudioPlayer({ openContext: () => f.ctx, warn: () => t.fail('no warning expected') });
  p.setScene(sceneSound('logits'));
  f.clock.now = 3;
  p.update(6.0, true, 1); // token_probs of the logits-only scene
  t.true(f.started.length > 0);
  t.true(f.started.every((s) => s.when >= 3 && s.when <= 3.2));
  f.clock.now = 3.02;
  p.update(6.02, false, 1);
  t.true(f.started.every((s) => s.stopped));
  await p.close();
  await p.close();
  t.true(f.closed.v);
});

test('a failing context mid-play warns once and goes silent instead of throwing', (t) => {
  const f = fakeContext();
  const lines: string[] = [];
  f.ctx.createBuffer = () => {
    throw new Error('boom');
  };
  const p = createAudioPlayer({ openContext: () => f.ctx, warn: (l) => lines.push(l) });
  p.setScene(sceneSound('logits'));
  t.notThrows(() => p.update(6.0, true, 1));
  t.notThrows(() => p.update(6.1, true, 1));
  t.is(lines.length, 1);
  t.regex(lines[0]!, /audio stopped \(boom\)/);
});

test('node-web-audio-api: without a device the player warns once and runs silently with a real clock', async (t) => {
  const lines: string[] = [];
  const p = createAudioPlayer({ warn: (l) => lines.push(l) });
  if (process.platform === 'linux' && !existsSync('/dev/snd')) {
    t.true(p.active); // a silent context with a real clock
    t.is(lines.length, 1);
    t.regex(lines[0]!, /^gptviz: warning: no audio device \(\/dev\/snd is missing\) — running without sound$/);
  }
  p.setScene(sceneSound('final'));
  for (let i = 0; i < 10; i++) {
    p.update(0.4 + i / 60, true, 1);
    await new Promise((r) => setTimeout(r, 16));
  }
  await p.close();
  t.true(lines.length <= 1);
});

test('createLiveAudio: null when muted; follows steps and jumps (the app hook)', async (t) => {
  const { createLiveAudio } = await import('../../src/audio/live-audio.js');
  t.is(createLiveAudio([sceneSound('final')], { mute: true }), null);
  const f = fakeContext();
  const audio = createLiveAudio([sceneSound('logits', 0), sceneSound('final', 1)], { openContext: () => f.ctx, warn: () => undefined });
  t.truthy(audio);
  // The first scene's gains come from a worker thread: silent until they arrive, then it joins.
  f.clock.now = 0.9;
  audio!.follow(0, 5.9, true, 3, 0);
  t.is(f.started.length, 0);
  await audio!.ready();
  f.clock.now = 1;
  audio!.follow(0, 6.0, true, 3, 0);
  const first = f.started.length;
  t.true(first > 0);
  // next step: the queue of the previous one is stopped, the new scene starts from its time
  f.clock.now = 1.02;
  audio!.follow(1, 0.42, true, 1, 0);
  t.true(f.started.slice(0, first).every((s) => s.stopped));
  t.true(f.started.length > first);
  // a jump signalled only by the counter restarts the queue too
  const before = f.started.length;
  f.clock.now = 1.04;
  audio!.follow(1, 0.44, true, 1, 1);
  t.true(f.started.slice(0, before).every((s) => s.stopped));
  await audio!.close();
  t.true(f.closed.v);
});

test('--music: the music is rendered off-thread, loops under the sonification and pauses with the picture', async (t) => {
  const f = fakeContext();
  const warnings: string[] = [];
  const p = createAudioPlayer({ music: true, musicSeconds: 1, openContext: () => f.ctx, warn: (l) => warnings.push(l) });
  p.setScene(sceneSound('final'));
  const deadline = Date.now() + 60000; // usually ≈ 0.2 s; generous for a loaded shared machine
  while (!f.started.some((s) => s.loop) && Date.now() < deadline) {
    f.clock.now += 0.016;
    p.update(0.4, true, 1);
    await new Promise((r) => setTimeout(r, 16));
  }
  const music = f.started.filter((s) => s.loop);
  t.deepEqual(warnings, []);
  t.is(music.length, 1);
  p.update(0.5, false, 1);
  t.true(music[0]!.stopped);
  p.update(0.5, true, 1);
  t.is(f.started.filter((s) => s.loop).length, 2);
  await p.close();
});
