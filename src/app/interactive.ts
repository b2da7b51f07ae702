/**
 * `npx gptviz [--text …]`: the interactive window (spec §3.3, §7.1, §8; issue 7). Opens the
 * 1600 × 900, 4× MSAA, vsync window titled "GPT Visualizer" and plays the random-weights pipeline
 * in a loop, or — with --text — every precomputed generation step one after another (full
 * pipeline, logits-only steps at their 3× rate × the user's speed, then the final display, which
 * stays on screen).
 *
 * Per frame: real dt (clamped to 0.05 s in tickSession) → poll events (the GLFW callbacks map
 * keys/mouse to Actions, input.ts, and apply them, session.ts) → tickSession → frameAt → captions
 * → the inspector (hover / pinned cell, issue 17) → status, help and speed overlays → the
 * timeline bar → render → swap. No allocation in the steady state: one FrameDesc, one
 * session record mutated in place, overlay strings rebuilt only when what they say changes.
 * A 0×0 framebuffer (minimised) draws nothing and sleeps instead of spinning.
 *
 * The scenes come from the run layer (run/run.ts). Issue 13: keys reach the talk layer (talk.ts:
 * the prompt line, temperature, captions) first; a typed prompt becomes a new run, printed as
 * `gptviz generate` prints it and played from its first step. Issue 17: the pointer inspects the
 * cube under it (inspector.ts; a click pins it), and the timeline bar at the bottom (scrubber.ts)
 * seeks; Esc closes the prompt line first, then unpins, then quits. The live audio follows the session
 * (see LiveAudio below); this module never lets audio drive the picture. GPTVIZ_TEST_SCRIPT
 * (test-script.ts, test-hook.ts) injects input and reports status for tests.
 *
 * What it is not: no scene logic (visualization/), no GL calls (core/), no key mapping rules
 * (input.ts), no playback rules (session.ts).
 */
import { existsSync } from 'node:fs';
import { signalExitCode } from './signal-exit.js';
import type { PlaybackPlan } from '../animation/playback.js';
import { playbackPlan, stageIndex, timeScale } from '../animation/playback.js';
import type { StageName } from '../animation/stages.js';
import { subOperation } from '../animation/stages.js';
import type { PhaseOut, Timeline } from '../animation/timeline.js';
import { writePhase } from '../animation/timeline.js';
import type { GlContext } from '../core/context.js';
import { contextFor } from '../core/context.js';
import type { Window } from '../core/glfw.js';
import type { FrameDesc } from '../frame.js';
import { createFrame, pushOverlay } from '../frame.js';
import { UserError } from '../errors.js';
import { DEFAULT_WEIGHTS } from '../package-root.js';
import { buildRun, generationLines } from '../run/run.js';
import type { RunScene } from '../run/scenes.js';
import type { FrameScratch } from '../visualization/frame-at.js';
import { createFrameScratch, frameAt } from '../visualization/frame-at.js';
import { Inspector } from './inspector.js';
import type { Action } from './input.js';
import {
  ACTION_PRESS, ACTION_RELEASE, HELP_INSPECT, HELP_LINE, HELP_TALK_LINE, KEY_ESCAPE, MOUSE_BUTTON_LEFT, createCursorTracker,
  cursorMove, keyAction, mouseButton, scrollAction,
} from './input.js';
import { formatTemperature } from './prompt-line.js';
import { BAR_RESERVE_PX, drawScrubber, keepClearOfOverlays, scrubTime, scrubberLayout } from './scrubber.js';
import type { SessionState } from './session.js';
import { applyAction, createSession, formatSpeed, speedFlashAlpha, tickSession } from './session.js';
import { Talk } from './talk.js';
import { Hook } from './test-hook.js';
import { loadScript } from './test-script.js';
import type { ViewOptions } from './view-options.js';
import { WarmUp } from './warm-up.js';
import { releaseOptimiser } from './startup-jit.js';
import { Presenter } from './presenter.js';
import { discardWindow, startWindow } from './window-open.js';

export { WINDOW_HEIGHT, WINDOW_TITLE, WINDOW_WIDTH } from './window-open.js';
/** Lines the help adds under the status line. */
const HELP_LINES = 4;
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

type Say = (line: string) => void;

/** Random mode: one looping scene. Generation: every precomputed step (spec §3.2), printed as `generate` does. */
function buildSteps(opts: ViewOptions, say: Say): readonly RunScene[] {
  const run = buildRun(opts);
  if (run.generation === undefined) return run.scenes();
  for (const line of generationLines(run.generation)) say(line);
  say(`Generation mode: ${run.length} steps`);
  return run.scenes();
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

  constructor(private readonly steps: readonly RunScene[], private readonly generation: boolean) {}

  private keySub = -2;
  private keyTime = -1;
  private keyTimeStep = -1;
  /** The timeline bar's words: `step 3/12 · 14.4 / 99.1 s`. */
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

  update(s: SessionState, stage: number, temperature: number): void {
    const mode = s.completed ? 2 : s.playing ? 0 : 1;
    const tl = this.steps[s.step]!.scene.timeline;
    const sub = this.groupAt(tl, stage, s.time);
    const tenths = Math.round(s.time * 10);
    if (s.step !== this.keyTimeStep || tenths !== this.keyTime) {
      this.keyTime = tenths;
      this.keyTimeStep = s.step;
      const where = this.generation ? `step ${s.step + 1}/${this.steps.length} · ` : '';
      this.scrub = `${where}${(tenths / 10).toFixed(1)} / ${tl.duration.toFixed(1)} s`;
    }
    if (
      s.step !== this.keyStep || stage !== this.keyStage || s.speed !== this.keySpeed || mode !== this.keyMode
      || temperature !== this.keyTemp || sub !== this.keySub
    ) {
      this.keyStep = s.step;
      this.keyStage = stage;
      this.keySpeed = s.speed;
      this.keyMode = mode;
      this.keyTemp = temperature;
      this.keySub = sub;
      const titles = this.steps[s.step]!.scene.titles;
      const stName = stage >= 0 && stage < tl.stages.length ? tl.stages[stage]!.name as StageName : undefined;
      const op = stName !== undefined && sub >= 0 ? subOperation(stName, sub) : '';
      const title = stage >= 0 && stage < titles.length ? titles[stage]! : '';
      const name = `${title}${op !== '' ? ` — ${op}` : ''}`;
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
      pushOverlay(out, HELP_INSPECT, 'top-left', 3, 'small', 1);
      pushOverlay(out, LEGEND_LINE, 'top-left', 4, 'small', 1);
    }
    const a = speedFlashAlpha(s);
    if (a > 0) pushOverlay(out, this.speed, 'top-right', 0, 'large', a);
  }
}

/** The colour legend in the help overlay (issue 17); the inspected matrix's own scale shows in its tooltip. */
export const LEGEND_LINE = 'colours: blue = negative · white = 0 · red = positive, each matrix scaled to its own range (hover shows it)';

/** The live audio (issue 8's player following the session), or null with --mute. Loaded lazily. */
async function openAudio(opts: ViewOptions, steps: readonly RunScene[]): Promise<LiveAudio | null> {
  if (opts.mute) return null;
  const { createLiveAudio } = await import('../audio/live-audio.js');
  const warn = (line: string): void => void process.stderr.write(`${line}\n`);
  return createLiveAudio(steps.map((st) => st.sound), { mute: false, music: opts.music, warn });
}

/** What the window plays now: replaced as a whole when a typed prompt starts a new generation. */
interface Playing {
  steps: readonly RunScene[];
  plan: PlaybackPlan;
  scratches: readonly FrameScratch[];
  overlays: Overlays;
  audio: LiveAudio | null;
}

function playing(steps: readonly RunScene[], audio: LiveAudio | null): Playing {
  return {
    steps, plan: playbackPlan(steps.map((st) => st.scene.timeline)), scratches: steps.map((st) => createFrameScratch(st.scene)),
    overlays: new Overlays(steps, steps.length > 1 || steps[0]!.text !== undefined), audio,
  };
}

/** The weights typing in the window uses: --weights, else the shipped ones if present. */
function typingWeights(opts: ViewOptions): string | undefined {
  if (opts.weights !== undefined) return opts.weights;
  return existsSync(DEFAULT_WEIGHTS) ? DEFAULT_WEIGHTS : undefined;
}

/**
 * Run the window until Esc, close or a signal; returns the exit code (0; 130 after Ctrl-C, 143
 * after SIGTERM). `opening`: the window, started by the caller before this module was loaded
 * (window-open.ts); started here otherwise.
 */
export async function interactive(opts: ViewOptions, opening: Promise<Window> = startWindow(opts)): Promise<number> {
  try {
    return await interactiveIn(opts, opening);
  } catch (e) {
    await discardWindow(opening);
    throw e;
  } finally {
    releaseOptimiser();
  }
}

async function interactiveIn(opts: ViewOptions, opening: Promise<Window>): Promise<number> {
  const scriptPath = process.env.GPTVIZ_TEST_SCRIPT;
  const script = scriptPath !== undefined && scriptPath !== '' ? loadScript(scriptPath) : undefined;
  // With the test hook, stdout carries only the JSON status lines.
  const say: Say = (line) => void (script !== undefined ? process.stderr : process.stdout).write(`${line}\n`);
  if (opts.speed < 0.25 || opts.speed > 5) {
    process.stderr.write(`warning: --speed ${opts.speed} is outside the window's 0.25–5×; using ${Math.min(5, Math.max(0.25, opts.speed))}×\n`);
  }
  const p = playing(buildSteps(opts, say), null);
  const s = createSession({ speed: opts.speed });
  const weights = typingWeights(opts);
  const talk = new Talk({
    temperature: opts.temperature,
    noWeights: weights === undefined ? `typing a prompt needs trained weights (none at ${DEFAULT_WEIGHTS}; train with 'gptviz train' or pass --weights)` : undefined,
  });
  say(
    '=== GPT Visualizer ===  Space play/pause · ←/→ stage · , . frame · +/− speed · R reset · Enter type a prompt · [/] temperature'
    + ' · K captions · drag/scroll camera · hover/click inspect · H help · Esc quit',
  );

  const ctx = contextFor(await opening);
  const presenter = new Presenter(ctx);
  let hook: Hook | undefined;
  let audioOpening: Promise<void> | undefined;
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
    s.quit = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    hook = script !== undefined ? new Hook(script, ctx) : undefined;
    // First frame first (issue 15): the audio (its library, device and first scene's sound) opens
    // after the first frame is on screen.
    const startAudio = (): void => {
      audioOpening ??= openAudio(opts, p.steps).then((a) => void (p.audio = a));
    };
    const generate = async (text: string): Promise<void> => {
      startAudio();
      await audioOpening;
      return startGeneration(p, s, talk, { ...opts, text, weights }, say);
    };
    await loop(ctx, presenter, p, s, talk, generate, startAudio, hook, script?.dt, say);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    hook?.dispose();
    try {
      await audioOpening?.catch(() => undefined);
      await p.audio?.close();
    } finally {
      ctx.close();
    }
  }
  return interrupted !== undefined ? signalExitCode(interrupted) : 0;
}

/**
 * A typed prompt (issue 13): generate it with the window's temperature and the run's seed and
 * --length (when the prompt fits in it; else the context length), print it as `gptviz generate`
 * does, and play it from its first step — the speed, view, help and captions stay. A prompt the
 * model cannot take leaves the current generation playing, with a message.
 */
async function startGeneration(p: Playing, s: SessionState, talk: Talk, opts: ViewOptions, say: Say): Promise<void> {
  const text = opts.text!;
  const length = opts.length !== undefined && opts.length >= text.length ? opts.length : undefined;
  let steps: readonly RunScene[];
  try {
    say(`Prompt: ${JSON.stringify(text)} (temperature ${talk.temperature})`);
    steps = buildSteps({ ...opts, temperature: talk.temperature, length }, say);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    talk.say(e.message);
    return;
  }
  const old = p.audio;
  p.audio = null;
  await old?.close();
  Object.assign(p, playing(steps, null));
  s.step = 0;
  s.time = 0;
  s.playing = true;
  s.completed = false;
  s.seeks++;
  p.audio = await openAudio(opts, steps);
}

/** The frame loop; resolves when the session asks to quit. */
function loop(
  ctx: GlContext, presenter: Presenter, p: Playing, s: SessionState, talk: Talk, generate: (text: string) => Promise<void>, startAudio: () => void,
  hook: Hook | undefined, fixedDt: number | undefined, say: Say,
): Promise<void> {
  const { window, renderer } = ctx;
  const frame = createFrame();
  // First frame first: the scene warm-up runs in slices after each frame (warm-up.ts).
  let warmUp = new WarmUp(p.steps);
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
    if (a !== null) applyAction(s, p.plan, a);
  };
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
    const t = scrubTime(bar, p.plan.timelines[s.step]!, inspector.x, inspector.y, dragging);
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
        if (scrubTime(bar, p.plan.timelines[s.step]!, inspector.x, inspector.y) !== null) {
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
  // Keys reach the talk layer first (the prompt line takes every key while it is open, Esc closes
  // it); then Esc unpins a pinned cell, and quits only when nothing is pinned.
  const onKey = (key: number, action: number, mods = 0): void => {
    if (talk.key(key, action, mods) !== 'pass') return;
    if (key === KEY_ESCAPE && action === ACTION_PRESS && inspector.pinned !== null) inspector.pinned = null;
    else input(keyAction(key, action));
  };
  window.handlers = {
    onKey: (key, _scancode, action, mods) => onKey(key, action, mods),
    onChar: (codepoint) => talk.char(codepoint),
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
        hook?.apply(n, input, onKey, (text) => talk.type(text), mouse);
        if (window.shouldClose()) s.quit = true;
        if (s.quit) {
          hook?.report(n, s, p.steps, p.plan, fb, frame, talk);
          resolve();
          return;
        }
        if (talk.pending !== null) {
          // A typed prompt: generate it (a fraction of a second), then go on with the new run.
          const text = talk.pending;
          talk.pending = null;
          generate(text).then(() => {
            warmUp = new WarmUp(p.steps);
            shownStep = -1;
            last = performance.now();
            setImmediate(step);
          }, reject);
          return;
        }
        tickSession(s, p.plan, dt);
        talk.tick(dt);
        if (s.step !== shownStep) {
          shownStep = s.step;
          if (p.steps.length > 1) say(`  Generation step ${s.step + 1}/${p.steps.length}`);
        }
        // Shown now, not before the loop: no X round trip may come between (presenter.ts).
        presenter.show();
        const drawn = fb[0]! > 0 && fb[1]! > 0;
        if (drawn) {
          const stage = stageIndex(s, p.plan);
          const scene = p.steps[s.step]!.scene;
          const scratch = p.scratches[s.step]!;
          frameAt(scene, s.time, s.view, fb[0]! / fb[1]!, frame, scratch);
          talk.draw(frame, scene.captions, scene.timeline, s.time);
          // The timeline bar keeps the bottom strip: the caption band sits above it and the picture
          // above both (drawn once into the rest; the renderer's squeeze), clear of the status line
          // and the stage title too.
          frame.reservedBottomPx = BAR_RESERVE_PX;
          const picH = fb[1]! - renderer.bottomPx(frame, fb[1]!);
          keepClearOfOverlays(frame.camera, picH, bar, s.help ? HELP_LINES : 0);
          if (clickPending) {
            clickPending = false;
            inspector.click(scene, scratch.state, s.step, frame, fb[0]!, picH);
          }
          const onBar = inspector.y > picH;
          inspector.draw(scene, scratch.state, s.step, frame, fb[0]!, picH, cursor.dragging || scrubbing || onBar);
          if (hook !== undefined) hook.inspected = inspector.shown;
          p.overlays.update(s, stage, talk.temperature);
          p.overlays.draw(frame, s);
          drawScrubber(frame, bar, scene.timeline, s.time, p.overlays.scrub);
          const t1 = hook !== undefined ? performance.now() : 0;
          renderer.setSize(fb[0]!, fb[1]!, ratio);
          renderer.render(frame);
          hook?.dump(fb[0]!, fb[1]!);
          presenter.present();
          if (hook !== undefined) {
            const t2 = performance.now();
            hook.jsMs += t1 - now;
            hook.glMs += t2 - t1;
          }
          // First frame first (issue 15): what can wait comes once it is on screen — the audio, the
          // window's MSAA target and the label atlas (the first frames of a run show nothing 3D),
          // then the warm-up in slices.
          if (n === 0) {
            releaseOptimiser();
            startAudio();
          } else if (n === 1) renderer.prepareWindowTarget();
          else if (n === 2) renderer.prepareLabels();
          else warmUp.slice();
        }
        p.audio?.follow(s.step, s.time, s.playing, timeScale(s, p.plan), s.seeks);
        hook?.report(n, s, p.steps, p.plan, fb, frame, talk);
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
