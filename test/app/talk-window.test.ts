/**
 * Talking to the model in the real window under Xvfb (issue 13), driven through GPTVIZ_TEST_SCRIPT
 * (keys through the GLFW key handler, typed text as the char callback delivers it):
 * Enter, "to be", Enter → the window plays that generation and prints the same Step and Result
 * lines as `gptviz generate --text "to be"` with the same flags; while the line is open Space
 * types instead of pausing; an empty prompt leaves the current run playing with a note; `[` / `]`
 * change the temperature of the next generation; K toggles the captions (on by default).
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saveWeights } from '../../src/transformer/weights-file.js';
import { lines, runBin } from '../helpers/bin.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';
import type { WindowRun } from '../helpers/window.js';
import { runWindow as runWindowOn } from '../helpers/window.js';
import { fixtureWeights } from '../transformer/fixture-weights.js';

interface Status {
  event: string; step: number; steps: number; kind: string; playing: boolean; time: number; text: string | null;
  prompt: string | null; promptNote: string | null; message: string; temperature: number; captions: boolean;
  caption: string; seeks: number;
}

let display: Display;
const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-talk-'));
const WEIGHTS = path.join(dir, 'fixture.npz');
saveWeights(WEIGHTS, fixtureWeights(loadFixture(HELLO)));
const SMALL = ['--width', '320', '--height', '180', '--mute'];

test.before(async () => {
  display = await ensureDisplay();
});

test.after.always(() => {
  display?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const runWindow = (args: readonly string[], script: object): Promise<WindowRun<Status>> =>
  runWindowOn<Status>(display.name, dir, args, script, 120_000);

const by = (statuses: readonly Status[], event: string, nth = 0): Status => {
  const s = statuses.filter((x) => x.event === event)[nth];
  if (s === undefined) throw new Error(`no status #${nth} for ${event}`);
  return s;
};

test.serial('Enter, "to be", Enter: the window plays it and prints what gptviz generate prints', async (t) => {
  const flags = ['--temperature', '0.5', '--seed', '3'];
  const r = await runWindow([...SMALL, '--text', 'hello', '--weights', WEIGHTS, ...flags], {
    dt: 0.02,
    events: [
      { frame: 2, key: 'enter' },
      { frame: 3, key: 'space' }, // types nothing as a key: the line has it
      { frame: 4, text: 'to be' },
      { frame: 5, status: true },
      { frame: 6, key: 'enter' },
      { frame: 8, status: true },
      { frame: 9, key: 'escape' },
    ],
  });
  t.is(r.code, 0, r.stderr);
  const typed = by(r.statuses, 'status');
  t.is(typed.prompt, 'to be');
  t.true(typed.playing, 'Space went to the line, not to the playback');
  const after = by(r.statuses, 'status', 1);
  t.is(after.prompt, null);
  t.is(after.step, 1);
  t.is(after.kind, 'full');
  t.is(after.text, 'to be');
  const gen = await runBin(['generate', '--text', 'to be', '--weights', WEIGHTS, ...flags], { timeoutMs: 100_000 });
  t.is(gen.code, 0, gen.stderr);
  const expected = lines(gen.stdout);
  const err = lines(r.stderr);
  const from = err.indexOf('Prompt: "to be" (temperature 0.5)');
  t.true(from > 0, r.stderr);
  t.deepEqual(err.slice(from + 1, from + 1 + expected.length), expected);
  t.regex(expected[expected.length - 1]!, /^ {2}Result: ['"]to be/);
  t.is(after.steps, expected.length, 'one scene per Step line plus the final display');
});

test.serial('an empty prompt keeps the run playing with a note; [ ] temperature; K captions; Esc cancels the line', async (t) => {
  const r = await runWindow([...SMALL, '--text', 'hello', '--weights', WEIGHTS], {
    dt: 0.02,
    events: [
      { frame: 2, status: true },
      { frame: 3, key: 'enter' },
      { frame: 4, text: '123' },
      { frame: 5, key: 'enter' },
      { frame: 6, status: true },
      { frame: 7, key: 'escape' },
      { frame: 8, key: ']' },
      { frame: 9, key: ']' },
      { frame: 10, key: '[' },
      { frame: 11, key: 'k' },
      { frame: 12, key: 'k' },
      { frame: 13, key: 'escape' },
    ],
  });
  t.is(r.code, 0, r.stderr);
  const first = by(r.statuses, 'status');
  t.true(first.captions, 'captions are on by default');
  t.regex(first.caption, /character per position/);
  const empty = by(r.statuses, 'status', 1);
  t.is(empty.prompt, '');
  t.regex(empty.promptNote!, /type a prompt first/);
  t.true(empty.playing);
  t.is(empty.steps, first.steps, 'the current generation keeps playing');
  t.true(empty.time > first.time);
  t.is(by(r.statuses, 'key:escape').prompt, null, 'Esc closes the line, the window stays');
  t.is(by(r.statuses, 'key:]').temperature, 0.4);
  t.is(by(r.statuses, 'key:]', 1).temperature, 0.5);
  t.is(by(r.statuses, 'key:[').temperature, 0.4);
  t.regex(by(r.statuses, 'key:[').message, /temperature 0\.4 for the next generation/);
  t.false(by(r.statuses, 'key:k').captions);
  t.is(by(r.statuses, 'key:k').caption, '');
  t.true(by(r.statuses, 'key:k', 1).captions);
});
