/**
 * `npx gptviz [--text …]`: the interactive window (spec §3.3, §7.1, §8; issue 7). Opens the
 * 1600 × 900, 4× MSAA, vsync window titled "GPT Visualizer" and plays the random-weights pipeline
 * in a loop, or — with --text — every precomputed generation step one after another (full
 * pipeline, logits-only steps at their 3× rate × the user's speed, then the final display, which
 * stays on screen).
 *
 * Per frame: real dt (clamped to 0.05 s in tickSession) → poll events (the GLFW callbacks map
 * keys/mouse to Actions, input.ts, and apply them, session.ts) → tickSession → frameAt → status,
 * help and speed overlays → render → swap. No allocation in the steady state: one FrameDesc, one
 * session record mutated in place, overlay strings rebuilt only when what they say changes.
 * A 0×0 framebuffer (minimised) draws nothing and sleeps instead of spinning.
 *
 * The live audio follows the session (see LiveAudio below); this module never lets audio drive
 * the picture. GPTVIZ_TEST_SCRIPT (test-script.ts) injects input and reports status for tests.
 *
 * What it is not: no scene logic (visualization/), no GL calls (core/), no key mapping rules
 * (input.ts), no playback rules (session.ts).
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { requireDisplay } from './display.js';
import { runScenes } from './run-scenes.js';
import type { ViewOptions } from '../cli/options.js';
import { DEFAULT_WEIGHTS } from '../cli/options.js';
import { INITIAL_VIEW } from '../animation/camera-path.js';
import type { GlContext } from '../core/context.js';
import { openContext } from '../core/context.js';
import { encodePng } from '../core/png.js';
import { PixelReader } from '../core/readback.js';
import { UserError } from '../errors.js';
import type { FrameDesc } from '../frame.js';
import { createFrame, pushOverlay } from '../frame.js';
import type { RecordingScene } from '../record/scenes.js';
import { frameAt } from '../visualization/frame-at.js';
import type { Action } from './input.js';
import { ACTION_PRESS, ACTION_REPEAT, HELP_LINE, HELP_TALK_LINE, createCursorTracker, cursorMove, keyAction, mouseButton, scrollAction } from './input.js';
import type { SessionPlan, SessionState } from './session.js';
import {
  applyAction, createSession, formatSpeed, sessionPlan, speedFlashAlpha, stageIndex, tickSession, timeScale,
} from './session.js';
import { formatTemperature } from './prompt-line.js';
import { Talk } from './talk.js';
import type { ScriptEvent, TestScript } from './test-script.js';
import { ScriptCursor, loadScript } from './test-script.js';

export const WINDOW_WIDTH = 1600;
export const WINDOW_HEIGHT = 900;
export const WINDOW_TITLE = 'GPT Visualizer';
/** Sleep while minimised, ms. */
const MINIMISED_SLEEP_MS = 50;

/**
 * What the app tells a live audio player each frame (issue 8 hook): which step, the timeline
 * time, whether it plays, timeline seconds per real second, and a counter that changes on every
 * discontinuous jump. The player follows; it never moves the picture.
 */
export interface LiveAudio {
  follow(step: number, time: number, playing: boolean, timeScale: number, seeks: number): void;
  close(): void | Promise<void>;
}

/** One step of the run: its scene (+ sound) and, in generation mode, what it shows. */
interface Step {
  readonly scene: RecordingScene;
  /** The text fed to the model at this step, the prediction label (`e 85%`), or undefined (random). */
  readonly text?: string;
  readonly prediction?: string;
}

type Say = (line: string) => void;

/** Random mode: one looping scene. Generation: every precomputed step (spec §3.2), printed as `generate` does. */
async function buildSteps(opts: ViewOptions, say: Say): Promise<Step[]> {
  const { scenes, generation: run } = await runScenes(opts, say);
  if (run === undefined) return scenes.map((scene) => ({ scene }));
  say(`Generation mode: ${scenes.length} steps`);
  return scenes.map((scene, i) => {
    const st = run.steps[i]!;
    return { scene, text: st.kind === 'final' ? run.result : st.text, prediction: st.outputLabels[st.predPos] ?? '' };
  });
}

/** Overlay strings, rebuilt only when what they say changes (no per-frame string garbage). */
class Overlays {
  private keyStep = -1;
  private keyStage = -2;
  private keySpeed = -1;
  private keyMode = -1;
  private keyTemp = -1;
  status = '';
  speed = '';
  private speedOf = -1;

  constructor(private readonly steps: readonly Step[], private readonly generation: boolean) {}

  update(s: SessionState, stage: number, temperature: number): void {
    const mode = s.completed ? 2 : s.playing ? 0 : 1;
    if (s.step !== this.keyStep || stage !== this.keyStage || s.speed !== this.keySpeed || mode !== this.keyMode || temperature !== this.keyTemp) {
      this.keyStep = s.step;
      this.keyStage = stage;
      this.keySpeed = s.speed;
      this.keyMode = mode;
      this.keyTemp = temperature;
      const titles = this.steps[s.step]!.scene.scene.titles;
      const name = stage >= 0 && stage < titles.length ? titles[stage]! : '';
      const where = this.generation ? `step ${s.step + 1}/${this.steps.length}` : 'random weights';
      const state = mode === 2 ? ' · end' : mode === 1 ? ' · paused' : '';
      this.status = `${where} · ${name} · ${formatSpeed(s.speed)}${state} · ${formatTemperature(temperature)} · Enter prompt · H help`;
    }
    if (s.speed !== this.speedOf) {
      this.speedOf = s.speed;
      this.speed = `Speed ${formatSpeed(s.speed)}`;
    }
  }

  draw(out: FrameDesc, s: SessionState): void {
    pushOverlay(out, this.status, 'top-left', 0, 'small', 1);
    if (s.help) {
      pushOverlay(out, HELP_LINE, 'top-left', 1, 'small', 1);
      pushOverlay(out, HELP_TALK_LINE, 'top-left', 2, 'small', 1);
    }
    const a = speedFlashAlpha(s);
    if (a > 0) pushOverlay(out, this.speed, 'top-right', 0, 'large', a);
  }
}

/** The test hook's side of the loop: applies due events, writes dumps and status lines. */
class Hook {
  private readonly cursor: ScriptCursor;
  private readonly reader: PixelReader;
  private readonly pendingDumps: string[] = [];
  private readonly reports: string[] = [];
  private readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  /** Wall ms spent so far in JS (events, tick, frameAt, overlays) and in GL (render + swap), for the benchmark. */
  jsMs = 0;
  glMs = 0;

  constructor(readonly script: TestScript, private readonly ctx: GlContext) {
    this.cursor = new ScriptCursor(script);
    this.reader = new PixelReader(ctx.gl);
  }

  /** Apply the events due at this frame (before the tick). */
  apply(frame: number, input: (a: Action | null) => void, onKey: (key: number, action: number) => void, type: (text: string) => void): void {
    let e: ScriptEvent | null;
    while ((e = this.cursor.next(frame, (performance.now() - this.t0) / 1000)) !== null) {
      const a = e.action;
      switch (a.kind) {
        case 'key': onKey(a.key, a.repeat ? ACTION_REPEAT : ACTION_PRESS); break;
        case 'drag': input({ kind: 'drag', dx: a.dx, dy: a.dy }); break;
        case 'scroll': input(scrollAction(a.amount)); break;
        case 'resize': this.ctx.window.setSize(a.width, a.height); break;
        case 'close': this.ctx.window.setShouldClose(true); break;
        case 'text': type(a.text); break;
        case 'dump': this.pendingDumps.push(a.path); break;
        case 'status': break;
      }
      this.reports.push(e.label);
    }
  }

  /** After drawing, before the swap: write the requested PNGs of the back buffer. */
  dump(width: number, height: number): void {
    for (const path of this.pendingDumps) {
      if (width <= 0 || height <= 0) throw new UserError(`GPTVIZ_TEST_SCRIPT: cannot dump ${path}: the window is minimised`);
      this.reader.begin(width, height, 'rgb');
      const px = this.reader.finish()!;
      const tmp = `${path}.partial-${process.pid}`;
      writeFileSync(tmp, encodePng(px, width, height, 3));
      renameSync(tmp, path);
    }
    this.pendingDumps.length = 0;
  }

  /** One JSON status line per event applied this frame. */
  report(frame: number, s: SessionState, run: Run, talk: Talk, fb: Int32Array, out: FrameDesc): void {
    if (this.reports.length === 0) return;
    const { steps, plan } = run;
    const tl = plan.timelines[s.step]!;
    const si = stageIndex(s, plan);
    const st = steps[s.step]!;
    const cpu = process.cpuUsage(this.cpu0);
    const labels: string[] = [];
    for (let i = 0; i < out.labelCount; i++) labels.push(out.labels[i]!.text);
    for (const event of this.reports) {
      process.stdout.write(`${JSON.stringify({
        event, frame, seconds: (performance.now() - this.t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6,
        jsMs: this.jsMs, glMs: this.glMs,
        step: s.step + 1, steps: steps.length, kind: st.scene.kind, stage: tl.stages[si]?.name ?? null, stageIndex: si,
        time: s.time, speed: s.speed, timeScale: timeScale(s, plan), playing: s.playing, completed: s.completed,
        help: s.help, seeks: s.seeks, viewYaw: s.view.yaw, viewZoom: s.view.zoom, framebuffer: [fb[0], fb[1]],
        text: st.text ?? null, prediction: st.prediction ?? null, labels,
        prompt: talk.line?.text ?? null, promptNote: talk.line?.note ?? null, message: talk.message,
        temperature: talk.temperature, captions: talk.captions, caption: out.caption, chart: out.chart.count > 0 ? out.chart.labels : null,
      })}\n`);
    }
    this.reports.length = 0;
  }

  dispose(): void {
    this.reader.dispose();
  }
}

/** The live audio (issue 8's player following the session), or null with --mute. Loaded lazily. */
async function openAudio(opts: ViewOptions, steps: readonly Step[]): Promise<LiveAudio | null> {
  if (opts.mute) return null;
  const { createLiveAudio } = await import('../audio/live-audio.js');
  const warn = (line: string): void => void process.stderr.write(`${line}\n`);
  return createLiveAudio(steps.map((st) => st.scene.sound), { mute: false, music: opts.music, warn });
}

/** What the window plays now: replaced as a whole when a typed prompt starts a new generation. */
interface Run {
  steps: readonly Step[];
  plan: SessionPlan;
  overlays: Overlays;
  audio: LiveAudio | null;
}

/** The weights typing in the window uses: --weights, else the shipped ones if present. */
function typingWeights(opts: ViewOptions): string | undefined {
  if (opts.weights !== undefined) return opts.weights;
  return existsSync(DEFAULT_WEIGHTS) ? DEFAULT_WEIGHTS : undefined;
}

/** Run the window until Esc, close or Ctrl-C; returns the exit code (0; 130 after Ctrl-C). */
export async function interactive(opts: ViewOptions): Promise<number> {
  requireDisplay();
  const scriptPath = process.env.GPTVIZ_TEST_SCRIPT;
  const script = scriptPath !== undefined && scriptPath !== '' ? loadScript(scriptPath) : undefined;
  // With the test hook, stdout carries only the JSON status lines.
  const say: Say = (line) => void (script !== undefined ? process.stderr : process.stdout).write(`${line}\n`);
  if (opts.speed < 0.25 || opts.speed > 5) {
    process.stderr.write(`warning: --speed ${opts.speed} is outside the window's 0.25–5×; using ${Math.min(5, Math.max(0.25, opts.speed))}×\n`);
  }
  const steps = await buildSteps(opts, say);
  const s = createSession({ speed: opts.speed });
  const weights = typingWeights(opts);
  const talk = new Talk({
    temperature: opts.temperature,
    noWeights: weights === undefined ? `typing a prompt needs trained weights (none at ${DEFAULT_WEIGHTS}; train with 'gptviz train' or pass --weights)` : undefined,
  });
  say('=== GPT Visualizer ===  Space play/pause · ←/→ stage · +/− speed · R reset · Enter type a prompt · [/] temperature · K captions · drag/scroll camera · H help · Esc quit');

  const width = opts.sizeGiven ? opts.width : WINDOW_WIDTH;
  const height = opts.sizeGiven ? opts.height : WINDOW_HEIGHT;
  const ctx = openContext({ width, height, title: WINDOW_TITLE, visible: true, vsync: true });
  const run: Run = { steps, plan: sessionPlan(steps.map((st) => st.scene.scene.timeline)), overlays: overlaysFor(steps), audio: null };
  let hook: Hook | undefined;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    s.quit = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    hook = script !== undefined ? new Hook(script, ctx) : undefined;
    run.audio = await openAudio(opts, steps);
    const generate = async (text: string): Promise<void> => {
      await startGeneration(run, s, talk, { ...opts, text, weights }, say);
    };
    await loop(ctx, run, s, talk, generate, hook, script?.dt, say);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    hook?.dispose();
    try {
      await run.audio?.close();
    } finally {
      ctx.close();
    }
  }
  return interrupted ? 130 : 0;
}

function overlaysFor(steps: readonly Step[]): Overlays {
  return new Overlays(steps, steps.length > 1 || steps[0]!.text !== undefined);
}

/**
 * A typed prompt (issue 13): generate it with the window's temperature and the run's seed and
 * --length (when the prompt fits in it; else the context length), print it as `gptviz generate`
 * does, and play it from its first step — the speed, view, help and captions stay. A prompt the
 * model cannot take leaves the current generation playing, with a message.
 */
async function startGeneration(run: Run, s: SessionState, talk: Talk, opts: ViewOptions, say: Say): Promise<void> {
  const text = opts.text!;
  const length = opts.length !== undefined && opts.length >= text.length ? opts.length : undefined;
  let steps: Step[];
  try {
    say(`Prompt: ${JSON.stringify(text)} (temperature ${talk.temperature})`);
    steps = await buildSteps({ ...opts, temperature: talk.temperature, length }, say);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    talk.say(e.message);
    return;
  }
  const old = run.audio;
  run.audio = null;
  await old?.close();
  run.steps = steps;
  run.plan = sessionPlan(steps.map((st) => st.scene.scene.timeline));
  run.overlays = overlaysFor(steps);
  s.step = 0;
  s.time = 0;
  s.playing = true;
  s.completed = false;
  s.seeks++;
  run.audio = await openAudio(opts, steps);
}

/**
 * Evaluate every distinct scene's frames once across its timeline before the first real frame,
 * so V8 has optimised each stage's code path up front: otherwise code first reached minutes
 * into a run (FFN, token probabilities) allocates until it is optimised, and the window stutters
 * on a GC there. About 0.2–0.4 s of CPU, spent while the window is opening.
 */
function warmUp(steps: readonly Step[], frame: FrameDesc): void {
  const seen = new Set<string>();
  for (const st of steps) {
    const scene = st.scene.scene;
    if (seen.has(st.scene.kind)) continue;
    seen.add(st.scene.kind);
    const d = scene.timeline.duration;
    const n = 2000;
    for (let i = 0; i < n; i++) frameAt(scene, (i / n) * d, INITIAL_VIEW, 16 / 9, frame);
  }
}

/** The frame loop; resolves when the session asks to quit. */
function loop(
  ctx: GlContext, run: Run, s: SessionState, talk: Talk, generate: (text: string) => Promise<void>,
  hook: Hook | undefined, fixedDt: number | undefined, say: Say,
): Promise<void> {
  const { window, renderer } = ctx;
  const frame = createFrame();
  warmUp(run.steps, frame);
  const fb = new Int32Array(2);
  const win = new Int32Array(2);
  const scale = new Float32Array(2);
  const cursor = createCursorTracker();
  let ratio = 1;
  // Text pixel ratio: framebuffer/window (macOS Retina) or the monitor's content scale (X11/Windows HiDPI).
  const measure = (): void => {
    window.framebufferSize(fb);
    window.windowSize(win);
    window.contentScale(scale);
    const fbRatio = win[0]! > 0 && fb[0]! > 0 ? fb[0]! / win[0]! : 1;
    ratio = Math.max(fbRatio, scale[0]! > 0 ? scale[0]! : 1);
  };
  measure();
  const input = (a: Action | null): void => {
    if (a !== null) applyAction(s, run.plan, a);
  };
  // Keys reach the talk layer first (the prompt line takes every key while open).
  const onKey = (key: number, action: number, mods = 0): void => {
    if (talk.key(key, action, mods) === 'pass') input(keyAction(key, action));
  };
  window.handlers = {
    onKey: (key, _scancode, action, mods) => onKey(key, action, mods),
    onChar: (codepoint) => talk.char(codepoint),
    onMouseButton: (button, action) => mouseButton(cursor, button, action),
    onCursorPos: (x, y) => input(cursorMove(cursor, x, y)),
    onScroll: (_dx, dy) => input(scrollAction(dy)),
    onFramebufferSize: () => measure(),
    onClose: () => {
      s.quit = true;
    },
  };
  renderer.setPixelRatio(ratio);
  let last = performance.now();
  let n = 0;
  let shownStep = -1;
  return new Promise<void>((resolve, reject) => {
    const step = (): void => {
      try {
        const now = performance.now();
        const dt = fixedDt ?? (now - last) / 1000;
        last = now;
        window.pollEvents();
        hook?.apply(n, input, onKey, (text) => talk.type(text));
        if (window.shouldClose()) s.quit = true;
        if (s.quit) {
          hook?.report(n, s, run, talk, fb, frame);
          resolve();
          return;
        }
        if (talk.pending !== null) {
          // A typed prompt: generate it (a fraction of a second), then go on with the new run.
          const text = talk.pending;
          talk.pending = null;
          generate(text).then(() => {
            warmUp(run.steps, frame);
            shownStep = -1;
            last = performance.now();
            setImmediate(step);
          }, reject);
          return;
        }
        tickSession(s, run.plan, dt);
        talk.tick(dt);
        if (s.step !== shownStep) {
          shownStep = s.step;
          if (run.steps.length > 1) say(`  Generation step ${s.step + 1}/${run.steps.length}`);
        }
        const drawn = fb[0]! > 0 && fb[1]! > 0;
        if (drawn) {
          const stage = stageIndex(s, run.plan);
          const scene = run.steps[s.step]!.scene.scene;
          frameAt(scene, s.time, s.view, fb[0]! / fb[1]!, frame);
          run.overlays.update(s, stage, talk.temperature);
          run.overlays.draw(frame, s);
          talk.draw(frame, scene.captions, scene.timeline, s.time);
          const t1 = hook !== undefined ? performance.now() : 0;
          renderer.render(frame, fb[0]!, fb[1]!, ratio);
          hook?.dump(fb[0]!, fb[1]!);
          window.swapBuffers();
          if (hook !== undefined) {
            const t2 = performance.now();
            hook.jsMs += t1 - now;
            hook.glMs += t2 - t1;
          }
        }
        run.audio?.follow(s.step, s.time, s.playing, timeScale(s, run.plan), s.seeks);
        hook?.report(n, s, run, talk, fb, frame);
        n++;
        if (drawn) setImmediate(step);
        else setTimeout(step, MINIMISED_SLEEP_MS);
      } catch (e) {
        reject(e);
      }
    };
    setImmediate(step);
  });
}
