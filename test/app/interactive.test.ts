/**
 * The real `gptviz` window end to end under Xvfb (issue 7): the bin is launched with
 * GPTVIZ_TEST_SCRIPT, which injects key events through the GLFW key handler, dumps frames read
 * back from the window and prints one JSON status line per event. Checked: Space pauses (two
 * frames identical), → moves to the next stage, auto-repeat does nothing, + four times doubles the
 * speed, R resets, Esc exits with code 0, closing the window exits 0, a resize is followed,
 * Ctrl-C exits 130 and SIGTERM 143, no display is one error line and a hint; with a weights file the steps and characters shown are exactly what
 * `gptviz generate` prints. Small windows and a fixed dt keep it fast and deterministic.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveWeights } from '../../src/transformer/weights-file.js';
import { BIN, lines, runBin } from '../helpers/bin.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import { countBright, decodePng } from '../helpers/images.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';
import type { WindowRun as WindowRunOf } from '../helpers/window.js';
import { runWindow as runWindowOn } from '../helpers/window.js';
import { fixtureWeights } from '../transformer/fixture-weights.js';
import { mat4, vec3 } from 'gl-matrix';
import { INITIAL_VIEW } from '../../src/animation/camera-path.js';
import { landing } from '../../src/animation/playback.js';
import { keepClearOfOverlays, scrubberLayout } from '../../src/app/scrubber.js';
import { projectToPixel, projectionMatrix, viewMatrix } from '../../src/core/camera.js';
import { createFrame } from '../../src/frame.js';
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { randomModeForward } from '../../src/transformer/model.js';
import { createFrameScratch, frameAt } from '../../src/visualization/frame-at.js';
import { buildScene } from '../../src/visualization/scene.js';
import { SP } from '../../src/visualization/visual-types.js';
import { RANDOM } from '../helpers/fixtures.js';

interface Status {
  event: string; frame: number; step: number; steps: number; kind: string; stage: string | null; stageIndex: number;
  time: number; speed: number; timeScale: number; playing: boolean; completed: boolean; help: boolean; seeks: number;
  framebuffer: [number, number]; text: string | null; prediction: string | null; labels: string[]; inspected: string | null;
}

type WindowRun = WindowRunOf<Status>;

let display: Display;
const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-app-'));
const SMALL = ['--width', '320', '--height', '180'];

test.before(async () => {
  display = await ensureDisplay();
});

test.after.always(() => {
  display?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Launch the window with a script; resolve at exit. */
const runWindow = (args: readonly string[], script: object, timeoutMs?: number): Promise<WindowRun> =>
  runWindowOn<Status>(display.name, dir, args, script, timeoutMs);

const by = (r: WindowRun, event: string, nth = 0): Status => {
  const all = r.statuses.filter((s) => s.event === event);
  if (all[nth] === undefined) throw new Error(`no status #${nth} for ${event}; got ${r.statuses.map((s) => s.event).join(' ')}\n${r.stderr}`);
  return all[nth]!;
};

test.serial('Space pauses, → moves on, repeat is ignored, + doubles the speed, R resets, Esc exits with code 0', async (t) => {
  const a = path.join(dir, 'paused-a.png');
  const b = path.join(dir, 'paused-b.png');
  const r = await runWindow(SMALL, {
    dt: 0.02,
    events: [
      { frame: 2, status: true },
      { frame: 3, key: 'right' },
      { frame: 4, key: 'right', action: 'repeat' },
      { frame: 5, key: 'right' },
      { frame: 10, key: 'space' },
      { frame: 11, dump: a },
      { frame: 16, dump: b },
      { frame: 17, key: 'space' },
      { frame: 18, key: 'plus' }, { frame: 19, key: 'plus' }, { frame: 20, key: 'plus' }, { frame: 21, key: 'plus' },
      { frame: 22, status: true },
      { frame: 23, status: true },
      { frame: 24, key: 'r' },
      { frame: 25, key: 'escape' },
    ],
  });
  t.is(r.code, 0, r.stderr);
  const first = by(r, 'status');
  t.is(first.kind, 'random');
  t.is(first.steps, 1);
  t.true(first.playing);
  const right1 = by(r, 'key:right');
  const repeat = by(r, 'key:right:repeat');
  const right2 = by(r, 'key:right', 1);
  t.is(right1.stageIndex, first.stageIndex + 1, '→ goes to the next stage');
  t.not(right1.stage, first.stage);
  t.is(repeat.stageIndex, right1.stageIndex, 'auto-repeat does nothing');
  t.is(right2.stageIndex, right1.stageIndex + 1);
  t.is(right2.seeks, 2);
  const paused = by(r, 'key:space');
  t.false(paused.playing);
  t.is(by(r, 'dump', 1).time, by(r, 'dump').time, 'the timeline stands still while paused');
  const imgA = readFileSync(a);
  const imgB = readFileSync(b);
  t.true(imgA.equals(imgB), 'two frames five frames apart are identical while paused');
  t.true(countBright(decodePng(imgA), 0, 0, 320, 180, 60) > 200, 'and they show the scene');
  t.true(by(r, 'key:space', 1).playing, 'Space again resumes');
  t.is(by(r, 'key:plus', 3).speed, 2, '+ four times: 1 → 2');
  const s1 = by(r, 'status', 1);
  const s2 = by(r, 'status', 2);
  t.is(s1.timeScale, 2);
  t.true(Math.abs((s2.time - s1.time) - 0.04) < 1e-9, 'one 0.02 s frame moves the timeline 0.04 s at 2×');
  const reset = by(r, 'key:r');
  t.is(reset.stageIndex, 0);
  t.true(reset.time <= 0.04 + 1e-9, 'R: back at the start');
  t.is(reset.speed, 2, 'R keeps the speed');
  // Not muted: the live audio opened (or, with no device, said so in one line) and never crashed.
  t.true(lines(r.stderr).filter((l) => /audio/.test(l)).length <= 1, r.stderr);
});

test.serial('Space, → and waiting: the picture holds still on the next stage; . steps one frame; hover inspects, click pins, Esc unpins first (issue 17)', async (t) => {
  const a = path.join(dir, 'study-a.png');
  const b = path.join(dir, 'study-b.png');
  // Where X[3,5] of the Q row of the QKV projection appears in a 640×360 window at the landing time
  // (captions off: the picture is the window above the timeline bar's strip).
  const scene = buildScene({ kind: 'random', record: randomModeForward(DEFAULT_CONFIG) });
  const qkv = scene.timeline.stages.find((st) => st.name === 'qkv_projection')!;
  const f = frameAt(scene, landing(scene.timeline, scene.timeline.stages.indexOf(qkv)), INITIAL_VIEW, 640 / 360, createFrame(), createFrameScratch(scene));
  const bar = scrubberLayout(640, 360, 1);
  const picH = 360 - bar.reserve;
  keepClearOfOverlays(f.camera, picH, bar);
  const vi = scene.stages.find((st) => st.name === 'qkv_projection')!.firstVisual;
  const x = scene.parts[vi]![0]!.placed;
  const vp = mat4.multiply(mat4.create(), projectionMatrix(mat4.create(), f.camera, 640 / picH), viewMatrix(mat4.create(), f.camera));
  const px = projectToPixel(vec3.create(), vp, x.anchor[0] - 5 * SP, x.anchor[1] - 3 * SP, x.anchor[2], 640, picH);
  const r = await runWindow(['--width', '640', '--height', '360', '--mute'], {
    dt: 0.02,
    events: [
      { frame: 1, key: 'k' },
      { frame: 2, key: 'space' },
      { frame: 3, key: 'right' },
      { frame: 4, dump: a },
      { frame: 40, dump: b },
      { frame: 41, key: 'period' },
      { frame: 42, key: 'comma' },
      { frame: 43, pointer: [px[0], px[1]] },
      { frame: 45, status: true },
      { frame: 46, click: [px[0], px[1]] },
      { frame: 47, pointer: [5, 5] },
      { frame: 49, status: true },
      { frame: 50, key: 'escape' },
      { frame: 52, status: true },
      { frame: 53, key: 'escape' },
    ],
  });
  t.is(r.code, 0, r.stderr);
  const right = by(r, 'key:right');
  t.false(right.playing, '→ keeps the pause');
  t.is(right.stage, 'qkv_projection');
  t.is(right.time, landing(scene.timeline, scene.timeline.stages.indexOf(qkv)), 'landed at the compute start');
  t.is(by(r, 'dump', 1).time, right.time, 'the timeline holds still');
  t.true(readFileSync(a).equals(readFileSync(b)), 'the picture holds still over 36 frames');
  t.true(Math.abs(by(r, 'key:period').time - (right.time + 1 / 30)) < 1e-12, '. steps 1/30 s');
  t.is(by(r, 'key:comma').time, right.time);
  const hover = by(r, 'status');
  const X = loadFixture(RANDOM).forward.blocks[0].input;
  t.is(hover.inspected, `input[3,5]=${X.data[3 * 16 + 5]}`, 'hovering X[3,5] shows the fixture value');
  t.is(by(r, 'status', 1).inspected, hover.inspected, 'the clicked cell stays pinned when the pointer leaves');
  t.is(by(r, 'status', 2).inspected, null, 'the first Esc unpins and does not quit');
  t.is(by(r, 'key:escape', 1).inspected, null, 'the second Esc quits (its status is the last; the run ended with code 0)');
});

test.serial('closing the window exits 0; a resize is followed by the framebuffer and the frames', async (t) => {
  const png = path.join(dir, 'resized.png');
  const r = await runWindow([...SMALL, '--mute'], {
    dt: 0.02,
    events: [
      { frame: 1, key: 'right' },
      { frame: 2, resize: [240, 240] },
      { frame: 6, dump: png },
      { frame: 7, close: true },
    ],
  });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(by(r, 'dump').framebuffer, [240, 240]);
  const img = decodePng(readFileSync(png));
  t.is(img.width, 240);
  t.is(img.height, 240);
});

for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test.serial(`${signal} closes the window cleanly with exit code ${exitCode} (128 + the signal's number)`, async (t) => {
    const file = path.join(dir, `${signal}.json`);
    writeFileSync(file, JSON.stringify({ dt: 0.02, events: [{ frame: 2, status: true }] }));
    const child = spawn(process.execPath, [BIN, ...SMALL, '--mute'], {
      env: { ...process.env, DISPLAY: display.name, GPTVIZ_TEST_SCRIPT: file }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').once('data', () => child.kill(signal));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    t.is(code, exitCode, stderr);
    t.false(/error/.test(stderr), stderr);
  });
}

test.serial('no display: one error line, one hint naming xvfb-run and --record / --snapshot', async (t) => {
  const r = await runBin([], { env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
  t.is(r.code, 1);
  const err = lines(r.stderr);
  t.is(err.length, 2, r.stderr);
  t.is(err[0], 'gptviz: error: no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
  t.regex(err[1]!, /xvfb-run.*--record.*--snapshot/);
});

/** weights/charlm.npz when the package has it, else the fixture's weights written to a file. */
function weightsFile(): string {
  const shipped = fileURLToPath(new URL('../../../weights/charlm.npz', import.meta.url));
  if (existsSync(shipped)) return shipped;
  const file = path.join(dir, 'fixture.npz');
  saveWeights(file, fixtureWeights(loadFixture(HELLO)));
  return file;
}

test.serial('generation: the steps and characters shown are exactly what `gptviz generate` prints', async (t) => {
  const weights = weightsFile();
  const gen = await runBin(['generate', '--text', 'hello', '--weights', weights], { timeoutMs: 60_000 });
  t.is(gen.code, 0, gen.stderr);
  const printed = lines(gen.stdout);
  const stepLines = printed.filter((l) => l.startsWith('  Step'));
  const result = /^ {2}Result: '(.*)'$/.exec(printed[printed.length - 1]!)![1]!;
  // → through every stage of every step (fixed dt, so nothing moves on by itself in between).
  const events: object[] = [{ frame: 1, status: true }];
  for (let i = 0; i < 400; i++) events.push({ frame: 2 + i, key: 'right' });
  events.push({ frame: 403, key: 'escape' });
  const r = await runWindow([...SMALL, '--mute', '--text', 'hello', '--weights', weights], { dt: 0, events }, 120_000);
  t.is(r.code, 0, r.stderr);
  const seen = new Map<number, Status>();
  for (const s of r.statuses) if (!seen.has(s.step)) seen.set(s.step, s);
  const n = r.statuses[0]!.steps;
  t.is(seen.size, n, 'every step was shown');
  // One scene per printed Step line (no phantom step, issue 13) plus the final display.
  t.is(n, stepLines.length + 1, 'prediction steps + the final display');
  for (let k = 1; k < n; k++) {
    const s = seen.get(k)!;
    t.is(s.kind, k === 1 ? 'full' : 'logits');
    t.is(s.timeScale, k === 1 ? 1 : 3, 'logits-only steps play at 3× the user speed');
    const m = /^ {2}Step (\d+): (.*) -> '(.*)' \((\d+)%\)$/.exec(stepLines[k - 1]!)!;
    t.is(Number(m[1]), k);
    t.is(s.text, m[2], `step ${k}: the text fed to the model`);
    t.is(s.prediction, `${m[3]} ${m[4]}%`, `step ${k}: the prediction label`);
  }
  const last = r.statuses[r.statuses.length - 2]!;
  t.is(last.step, n);
  t.is(last.kind, 'final');
  t.true(last.completed, '→ ran to the end of the final display, which stays');
  t.is(last.text, result);
  t.is(last.labels.join(''), result.replace(/ /g, ''), 'the big characters on screen spell the result');
});
