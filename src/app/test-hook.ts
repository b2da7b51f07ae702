/**
 * The window's side of the test hook (GPTVIZ_TEST_SCRIPT, issue 7): applies the script's due
 * events through the same handlers as GLFW's callbacks, writes the requested PNGs of the back
 * buffer, and prints one JSON status line per event (session state, stage, labels, CPU and the
 * JS/GL split the benchmark reads; issue 13: the prompt line, temperature, captions, chart).
 *
 * What it is not: the script format and its checks (test-script.ts), the loop (interactive.ts).
 */
import { writeFileAtomic } from '../atomic-write.js';
import type { GlContext } from '../core/context.js';
import { encodePng } from '../core/png.js';
import { PixelReader } from '../core/readback.js';
import { UserError } from '../errors.js';
import type { FrameDesc } from '../frame.js';
import type { RunScene } from '../run/scenes.js';
import type { Action } from './input.js';
import { ACTION_PRESS, ACTION_RELEASE, ACTION_REPEAT, MOUSE_BUTTON_LEFT, scrollAction } from './input.js';
import type { PlaybackPlan } from '../animation/playback.js';
import { stageIndex, timeScale } from '../animation/playback.js';
import type { SessionState } from './session.js';
import type { Talk } from './talk.js';
import type { ScriptEvent, TestScript } from './test-script.js';
import { ScriptCursor } from './test-script.js';

/** The test hook's side of the loop: applies due events, writes dumps and status lines. */
export class Hook {
  private readonly cursor: ScriptCursor;
  private readonly reader: PixelReader;
  private readonly pendingDumps: string[] = [];
  private readonly reports: string[] = [];
  private readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  /** Wall ms spent so far in JS (events, tick, frameAt, overlays) and in GL (render + swap), for the benchmark. */
  jsMs = 0;
  glMs = 0;
  /** What the inspector showed in the last frame: `key[row,col]`, or null (issue 17). */
  inspected: string | null = null;

  constructor(readonly script: TestScript, private readonly ctx: GlContext) {
    this.cursor = new ScriptCursor(script);
    this.reader = new PixelReader(ctx.gl, ctx.renderer.state);
  }

  /** Apply the events due at this frame (before the tick). */
  apply(
    frame: number, input: (a: Action | null) => void, onKey: (key: number, action: number) => void, type: (text: string) => void,
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
        case 'text': type(a.text); break;
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
      if (width <= 0 || height <= 0) throw new UserError(`GPTVIZ_TEST_SCRIPT: cannot dump ${path}: the window is minimised`, { hint: 'restore the window before a dump event' });
      this.reader.begin(0, width, height, 'rgb');
      const px = this.reader.finish()!;
      writeFileAtomic(path, encodePng(px, width, height, 3));
    }
    this.pendingDumps.length = 0;
  }

  /** One JSON status line per event applied this frame. */
  report(frame: number, s: SessionState, steps: readonly RunScene[], plan: PlaybackPlan, fb: Int32Array, out: FrameDesc, talk: Talk): void {
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
        step: s.step + 1, steps: steps.length, kind: st.kind, stage: tl.stages[si]?.name ?? null, stageIndex: si,
        time: s.time, speed: s.speed, timeScale: timeScale(s, plan), playing: s.playing, completed: s.completed,
        help: s.help, seeks: s.seeks, viewYaw: s.view.yaw, viewZoom: s.view.zoom, framebuffer: [fb[0], fb[1]],
        text: st.text ?? null, prediction: st.prediction ?? null, labels, inspected: this.inspected,
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
