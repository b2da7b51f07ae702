import test from 'ava';
import { SAMPLE_RATE } from '../../src/audio/grains.js';
import { liveEventGains, renderSceneMono, sceneSamples } from '../../src/audio/render.js';
import { renderSoundtrack } from '../../src/audio/soundtrack.js';
import { firstAbove, peak, rms } from './signal.js';
import { sceneSound, timeline } from './scenes.js';

const sec = (s: number): number => Math.floor(s * SAMPLE_RATE);

test('a logits-only scene: exact length, peak 0.30, sound in its stages, silence in the return phase', (t) => {
  const s = sceneSound('logits');
  const mono = renderSceneMono(s, 1);
  t.is(mono.length, Math.floor((timeline('logits').total + 1.3) * SAMPLE_RATE + 1e-6));
  t.true(Math.abs(peak(mono) - 0.3) < 1e-6);
  const tp = timeline('logits').stages.find((x) => x.name === 'token_probs')!;
  t.true(rms(mono, sec(tp.start), sec(tp.end)) > 0.005);
  const total = timeline('logits').total;
  t.true(peak(mono, sec(total + 0.05)) < 1e-3, `return phase peak ${peak(mono, sec(total + 0.05))}`);
});

test('a full scene (played 4× faster): sounding stages vs silent gaps and return', (t) => {
  const s = sceneSound('full');
  const mono = renderSceneMono(s, 4);
  t.is(mono.length, sceneSamples(s, 4));
  t.true(Math.abs(peak(mono) - 0.85) < 1e-6);
  const tl = timeline('full');
  const at = (x: number): number => sec(x / 4);
  const qkv = tl.stages.find((x) => x.name === 'qkv_projection')!;
  const c0 = qkv.start + qkv.appear;
  t.true(rms(mono, at(c0), at(c0 + qkv.compute)) > 0.01);
  // QKV settle and the next stage's first 40 % of appear are silent (first appear event at 42 %)
  const mha = tl.stages.find((x) => x.name === 'multi_head_attn')!;
  t.true(peak(mono, at(c0 + qkv.compute + 0.1), at(mha.start + 0.4 * mha.appear)) < 2e-3);
  t.true(peak(mono, at(tl.total + 0.05)) < 1e-3);
});

test('the same scene renders bit-identically; a different scene index does not', (t) => {
  const a = renderSceneMono(sceneSound('logits', 2), 1);
  const b = renderSceneMono(sceneSound('logits', 2), 1);
  t.deepEqual(a, b);
  t.notDeepEqual(a, renderSceneMono(sceneSound('logits', 3), 1));
});

test('live gains: one finite positive gain per event, varying where the compressor works', (t) => {
  const s = sceneSound('logits');
  const g = liveEventGains(s);
  t.is(g.length, s.events.length);
  t.true(g.every((x) => x > 0 && Number.isFinite(x)));
  t.true(Math.max(...g) / Math.min(...g) > 1.05);
});

test('soundtrack: scenes land on the video clock at startOutputSeconds + t/speed (no drift)', (t) => {
  const a = sceneSound('logits', 1);
  const b = sceneSound('logits', 2);
  const speed = 1.0846;
  // A video at 30 fps: scene 0 has ⌊d/speed·30⌋ frames, scene 1 starts at that frame's time.
  const frames0 = Math.floor((a.duration / speed) * 30);
  const start1 = frames0 / 30;
  const total = start1 + Math.floor((b.duration / speed) * 30) / 30;
  const st = renderSoundtrack(
    [
      { sound: a, speed, startOutputSeconds: 0 },
      { sound: b, speed, startOutputSeconds: start1 },
    ],
    total,
  );
  t.is(st.left.length, Math.floor(total * SAMPLE_RATE + 1e-6));
  // right = left delayed by 8 samples
  for (let i = 1000; i < 1100; i++) t.is(st.right[i + 8], st.left[i]);
  // the first audible sample of scene 1 is at its first event, within a grain's rise (≤ 1 ms)
  const expected = Math.round(start1 * SAMPLE_RATE) + Math.floor((b.events[0]!.time / speed) * SAMPLE_RATE);
  const onset = firstAbove(st.left, 1e-4, Math.round(start1 * SAMPLE_RATE));
  t.true(onset >= expected && onset - expected < 45, `onset ${onset} expected ${expected}`);
  // each scene is normalised on its own
  t.true(Math.abs(peak(st.left, 0, Math.round(start1 * SAMPLE_RATE)) - 0.3) < 1e-3);
});

test('soundtrack with music: music fills the silences, stays under the sonification, never clips', (t) => {
  const s = sceneSound('final');
  const dur = s.duration;
  const dry = renderSoundtrack([{ sound: s, speed: 1, startOutputSeconds: 0 }], dur);
  const wet = renderSoundtrack([{ sound: s, speed: 1, startOutputSeconds: 0 }], dur, { music: true });
  t.true(peak(wet.left) <= 0.99 + 1e-6 && peak(wet.right) <= 0.99 + 1e-6);
  // before the first grain only music sounds, well below the 0.85 sonification peak
  const first = sec(s.events[0]!.time);
  const musicOnly = peak(wet.left, 0, first);
  t.true(musicOnly > 0.01 && musicOnly < 0.25, `music level ${musicOnly}`);
  t.is(peak(dry.left, 0, first), 0);
});
