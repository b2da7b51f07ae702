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
import { renameSync, writeFileSync } from 'node:fs';
import { requireDisplay } from './display.js';
import { runScenes } from './run-scenes.js';
import type { ViewOptions } from '../cli/options.js';
import { INITIAL_VIEW } from '../animation/camera-path.js';
import { stageTitle, subOperation } from '../animation/stages.js';
import type { StageName } from '../animation/stages.js';
import { writePhase } from '../animation/timeline.js';
import type { PhaseOut, Timeline } from '../animation/timeline.js';
import type { GlContext } from '../core/context.js';
import { openContext } from '../core/context.js';
import { encodePng } from '../core/png.js';
import { PixelReader } from '../core/readback.js';
import { UserError } from '../errors.js';
import type { FrameDesc } from '../frame.js';
import { createFrame, pushOverlay } from '../frame.js';
import type { RecordingScene } from '../record/scenes.js';
import { frameAt } from '../visualization/frame-at.js';
import { Inspector } from './inspector.js';
import type { Action } from './input.js';
import {
  ACTION_PRESS, ACTION_RELEASE, ACTION_REPEAT, HELP_INSPECT, HELP_LINE, KEY_ESCAPE, MOUSE_BUTTON_LEFT, createCursorTracker, cursorMove,
  keyAction, mouseButton, scrollAction,
} from './input.js';
import { drawScrubber, keepClearOfOverlays, scrubTime, scrubberLayout } from './scrubber.js';
import type { SessionPlan, SessionState } from './session.js';
import {
  applyAction, createSession, formatSpeed, sessionPlan, speedFlashAlpha, stageIndex, tickSession, timeScale,
} from './session.js';
import type { ScriptEvent, TestScript } from './test-script.js';
import { ScriptCursor, loadScript } from './test-script.js';

export const WINDOW_WIDTH = 1600;
export const WINDOW_HEIGHT = 900;
export const WINDOW_TITLE = 'GPT Visualizer';
/** Lines the help adds under the status line. */
const HELP_LINES = 3;
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
  status = '';
  speed = '';
  private speedOf = -1;

  constructor(private readonly steps: readonly Step[], private readonly generation: boolean) {}

  private keySub = -2;
  private keyTime = -1;
  private keyTimeStep = -1;
  /** The scrubber's words: `step 3/12 · 14.4 / 99.1 s`. */
  scrub = '';
  private readonly phase: PhaseOut = { kind: 'inactive', local: 0 };

  /** Compute group under way at t in stage `stage` (−1 before its compute). */
  private groupAt(tl: Timeline, stage: number, t: number): number {
    const st = tl.stages[stage];
    if (st === undefined) return -1;
    const ph = writePhase(this.phase, st, t);
    if (ph.kind === 'appear' || ph.kind === 'inactive') return -1;
    if (ph.kind !== 'compute') return st.segments.length - 1;
    for (let g = 0; g < st.segments.length; g++) if (ph.local < st.segments[g]![1]) return g;
    return st.segments.length - 1;
  }

  update(s: SessionState, stage: number): void {
    const mode = s.completed ? 2 : s.playing ? 0 : 1;
    const tl = this.steps[s.step]!.scene.scene.timeline;
    const sub = this.groupAt(tl, stage, s.time);
    const tenths = Math.round(s.time * 10);
    if (s.step !== this.keyTimeStep || tenths !== this.keyTime) {
      this.keyTime = tenths;
      this.keyTimeStep = s.step;
      const where = this.generation ? `step ${s.step + 1}/${this.steps.length} · ` : '';
      this.scrub = `${where}${(tenths / 10).toFixed(1)} / ${tl.duration.toFixed(1)} s`;
    }
    if (s.step !== this.keyStep || stage !== this.keyStage || s.speed !== this.keySpeed || mode !== this.keyMode || sub !== this.keySub) {
      this.keyStep = s.step;
      this.keyStage = stage;
      this.keySpeed = s.speed;
      this.keyMode = mode;
      this.keySub = sub;
      const stName = stage >= 0 && stage < tl.stages.length ? tl.stages[stage]!.name as StageName : undefined;
      const op = stName !== undefined && sub >= 0 ? subOperation(stName, sub) : '';
      const name = stName !== undefined ? `${stageTitle(stName)}${op !== '' ? ` — ${op}` : ''}` : '';
      const where = this.generation ? `step ${s.step + 1}/${this.steps.length}` : 'random weights';
      const state = mode === 2 ? ' · end' : mode === 1 ? ' · paused' : '';
      this.status = `${where} · ${name} · ${formatSpeed(s.speed)}${state} · H help`;
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
      pushOverlay(out, HELP_INSPECT, 'top-left', 2, 'small', 1);
      pushOverlay(out, LEGEND_LINE, 'top-left', 3, 'small', 1);
    }
    const a = speedFlashAlpha(s);
    if (a > 0) pushOverlay(out, this.speed, 'top-right', 0, 'large', a);
  }
}

/** The colour legend in the help overlay (issue 17); the inspected matrix's own scale shows in its tooltip. */
export const LEGEND_LINE = 'colours: blue = negative · white = 0 · red = positive, each matrix scaled to its own range (hover shows it)';

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
  /** What the inspector showed in the last frame: `key[row,col]`, or null. */
  inspected: string | null = null;

  constructor(readonly script: TestScript, private readonly ctx: GlContext) {
    this.cursor = new ScriptCursor(script);
    this.reader = new PixelReader(ctx.gl);
  }

  /** Apply the events due at this frame (before the tick). */
  apply(
    frame: number, input: (a: Action | null) => void, onKey: (key: number, action: number) => void,
    mouse: { move(x: number, y: number): void; button(button: number, action: number): void },
  ): void {
    let e: ScriptEvent | null;
    while ((e = this.cursor.next(frame, (performance.now() - this.t0) / 1000)) !== null) {
      const a = e.action;
      switch (a.kind) {
        case 'key': onKey(a.key, a.repeat ? ACTION_REPEAT : ACTION_PRESS); break;
        case 'drag': input({ kind: 'drag', dx: a.dx, dy: a.dy }); break;
        case 'scroll': input(scrollAction(a.amount)); break;
        case 'resize': this.ctx.window.setSize(a.width, a.height); break;
        case 'close': this.ctx.window.setShouldClose(true); break;
        case 'pointer': mouse.move(a.x, a.y); break;
        case 'click':
          mouse.move(a.x, a.y);
          mouse.button(MOUSE_BUTTON_LEFT, ACTION_PRESS);
          mouse.button(MOUSE_BUTTON_LEFT, ACTION_RELEASE);
          break;
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
  report(frame: number, s: SessionState, steps: readonly Step[], plan: SessionPlan, fb: Int32Array, out: FrameDesc): void {
    if (this.reports.length === 0) return;
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
        text: st.text ?? null, prediction: st.prediction ?? null, labels, inspected: this.inspected,
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
  const plan = sessionPlan(steps.map((st) => st.scene.scene.timeline));
  const s = createSession({ speed: opts.speed });
  say('=== GPT Visualizer ===  Space play/pause · ←/→ stage · , . frame · +/− speed · R reset · drag/scroll camera · hover/click inspect · H help · Esc quit');

  const width = opts.sizeGiven ? opts.width : WINDOW_WIDTH;
  const height = opts.sizeGiven ? opts.height : WINDOW_HEIGHT;
  const ctx = openContext({ width, height, title: WINDOW_TITLE, visible: true, vsync: true });
  let audio: LiveAudio | null = null;
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
    audio = await openAudio(opts, steps);
    await loop(ctx, steps, plan, s, audio, hook, script?.dt, say);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    hook?.dispose();
    try {
      await audio?.close();
    } finally {
      ctx.close();
    }
  }
  return interrupted ? 130 : 0;
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
  ctx: GlContext, steps: readonly Step[], plan: SessionPlan, s: SessionState,
  audio: LiveAudio | null, hook: Hook | undefined, fixedDt: number | undefined, say: Say,
): Promise<void> {
  const { window, renderer } = ctx;
  const frame = createFrame();
  warmUp(steps, frame);
  const overlays = new Overlays(steps, steps.length > 1 || steps[0]!.text !== undefined);
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
    if (a !== null) applyAction(s, plan, a);
  };
  const onKey = (key: number, action: number): void => input(keyAction(key, action));
  // Pointer in framebuffer pixels; a press on the bar scrubs, a press-release elsewhere without
  // moving is a click (pin / unpin), a press-move orbits (issue 17).
  const inspector = new Inspector();
  let bar = scrubberLayout(fb[0]!, fb[1]!, ratio);
  let scrubbing = false;
  let pressed = false;
  let pressX = 0;
  let pressY = 0;
  let clickPending = false;
  const toFb = (x: number, y: number): void => {
    inspector.x = win[0]! > 0 ? (x * fb[0]!) / win[0]! : x;
    inspector.y = win[1]! > 0 ? (y * fb[1]!) / win[1]! : y;
  };
  const seekBar = (dragging: boolean): void => {
    const tl = plan.timelines[s.step]!;
    const t = scrubTime(bar, tl, inspector.x, inspector.y, dragging);
    if (t !== null) input({ kind: 'seek', time: t });
  };
  const mouse = {
    move: (x: number, y: number): void => {
      toFb(x, y);
      if (scrubbing) {
        seekBar(true);
        cursor.x = x;
        cursor.y = y;
        return;
      }
      input(cursorMove(cursor, x, y));
    },
    button: (button: number, action: number): void => {
      if (button === MOUSE_BUTTON_LEFT && action === ACTION_PRESS) {
        if (scrubTime(bar, plan.timelines[s.step]!, inspector.x, inspector.y) !== null) {
          scrubbing = true;
          seekBar(false);
          return;
        }
        pressed = true;
        pressX = inspector.x;
        pressY = inspector.y;
      } else if (button === MOUSE_BUTTON_LEFT && action === ACTION_RELEASE) {
        if (scrubbing) {
          scrubbing = false;
          return;
        }
        if (pressed && Math.hypot(inspector.x - pressX, inspector.y - pressY) < 5) clickPending = true;
        pressed = false;
      }
      mouseButton(cursor, button, action);
    },
  };
  const keyOrUnpin = (key: number, action: number): void => {
    // Esc first unpins a pinned cell; it quits only when nothing is pinned.
    if (key === KEY_ESCAPE && action === ACTION_PRESS && inspector.pinned !== null) inspector.pinned = null;
    else onKey(key, action);
  };
  window.handlers = {
    onKey: (key, _scancode, action) => keyOrUnpin(key, action),
    onMouseButton: (button, action) => mouse.button(button, action),
    onCursorPos: (x, y) => mouse.move(x, y),
    onScroll: (_dx, dy) => input(scrollAction(dy)),
    onFramebufferSize: () => {
      measure();
      bar = scrubberLayout(fb[0]!, fb[1]!, ratio);
    },
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
        hook?.apply(n, input, keyOrUnpin, mouse);
        if (window.shouldClose()) s.quit = true;
        if (s.quit) {
          hook?.report(n, s, steps, plan, fb, frame);
          resolve();
          return;
        }
        tickSession(s, plan, dt);
        if (s.step !== shownStep) {
          shownStep = s.step;
          if (steps.length > 1) say(`  Generation step ${s.step + 1}/${steps.length}`);
        }
        const drawn = fb[0]! > 0 && fb[1]! > 0;
        if (drawn) {
          const stage = stageIndex(s, plan);
          const scene = steps[s.step]!.scene.scene;
          frameAt(scene, s.time, s.view, fb[0]! / fb[1]!, frame);
          // The scene keeps clear of the status line (top) and the timeline bar with the stage title (bottom).
          keepClearOfOverlays(frame.camera, fb[1]!, bar, s.help ? HELP_LINES : 0);
          if (clickPending) {
            clickPending = false;
            inspector.click(scene, s.step, frame, fb[0]!, fb[1]!);
          }
          const onBar = inspector.y > bar.y - bar.grab - 20 * bar.ratio;
          inspector.draw(scene, s.step, frame, fb[0]!, fb[1]!, cursor.dragging || scrubbing || onBar);
          if (hook !== undefined) hook.inspected = inspector.shown;
          // The stage title (bottom-right) moves up one line, clear of the timeline bar.
          for (let i = 0; i < frame.overlayCount; i++) if (frame.overlays[i]!.corner === 'bottom-right') frame.overlays[i]!.line++;
          overlays.update(s, stage);
          overlays.draw(frame, s);
          drawScrubber(frame, bar, plan.timelines[s.step]!, s.time, overlays.scrub);
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
        audio?.follow(s.step, s.time, s.playing, timeScale(s, plan), s.seeks);
        hook?.report(n, s, steps, plan, fb, frame);
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
