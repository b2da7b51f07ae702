/**
 * Renderer benchmarks (issue 5), on whatever GL this machine has (llvmpipe under Xvfb here):
 * - CPU time per frame to fill (pushInstance) and upload 8,192 and 65,536 instances;
 * - GPU frame time (render + glFinish) at 1600×900 and 1920×1080 for the test scene (≈1,700
 *   cubes + labels + overlay, a typical pipeline frame) and for 8,192 cubes;
 * - readback time (resolve → PBO → top-down RGBA) and draw + readback together;
 * - PNG encoding of a 1600×900 frame: node:zlib level 1 (png.ts) vs @napi-rs/canvas.
 * Starts its own Xvfb when DISPLAY is unset (test/helpers/xvfb.ts).
 */
import { cpus, loadavg } from 'node:os';
import { createCanvas } from '@napi-rs/canvas';
import type { BenchRow } from './bench-row.js';
import { median } from './bench-row.js';
import { openContext } from '../src/core/context.js';
import { encodePng } from '../src/core/png.js';
import type { FrameDesc } from '../src/frame.js';
import { clearFrame, createFrame, pushInstance } from '../src/frame.js';
import { frameBox } from '../src/core/camera.js';
import { buildTestScene } from '../test/helpers/test-scene.js';
import { ensureDisplay } from '../test/helpers/xvfb.js';
import { INITIAL_VIEW } from '../src/animation/view-state.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { randomModeForward } from '../src/transformer/model.js';
import { createFrameScratch, frameAt } from '../src/visualization/frame-at.js';
import { buildScene } from '../src/visualization/scene.js';

function time(n: number, fn: () => void): number {
  fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

/** Median wall time and median process CPU time (all threads, llvmpipe's included) per call, ms. */
function timeCpu(n: number, fn: () => void): { wall: number; cpu: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** n cubes in a square grid, 1 in 8 half-transparent, framed at 16:9. */
function fillGrid(out: FrameDesc, n: number, phase: number): void {
  clearFrame(out);
  const side = Math.ceil(Math.sqrt(n));
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / side), c = i % side;
    const v = Math.sin(i * 0.37 + phase);
    pushInstance(out, -c * 0.5, -r * 0.5, (i & 7) * 0.01, 0.5 + 0.5 * v, 0.5, 0.5 - 0.5 * v, i % 8 === 0 ? 0.5 : 1, 0.4, 0.4, 0.4);
  }
  frameBox(out.camera, -side * 0.5, -side * 0.5, 0, 0, 0, 0.1, 16 / 9);
}

function load(): string {
  return `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;
}

export async function bench(): Promise<BenchRow[]> {
  const display = await ensureDisplay();
  const ctx = openContext({ width: 320, height: 180, title: 'gptviz bench', visible: false, vsync: false });
  const rows: BenchRow[] = [];
  const note = ctx.info.renderer;
  try {
    const r = ctx.renderer;
    const gl = ctx.gl;
    for (const n of [8192, 65536]) {
      const f = createFrame(65536);
      let phase = 0;
      const ms = time(50, () => {
        fillGrid(f, n, (phase += 0.1));
        r.uploadInstances(f);
      });
      rows.push({
        name: `fill + upload ${n.toLocaleString('en-US')} instances (CPU)`, value: ms, unit: 'ms',
        ...(n === 8192 ? { target: '< 1 ms', ok: ms < 1 } : {}), note,
      });
      const up = time(50, () => void r.uploadInstances(f));
      rows.push({ name: `  … of which upload (glBufferData orphan + glBufferSubData)`, value: up, unit: 'ms', note });
    }
    gl.glFinish();
    const scene = createFrame();
    const grid = createFrame(65536);
    fillGrid(grid, 8192, 0);
    for (const [w, h] of [[1600, 900], [1920, 1080]] as const) {
      buildTestScene(scene, w / h, 1);
      const off = ctx.createOffscreen(w, h);
      const out = Buffer.alloc(w * h * 4);
      const draw = timeCpu(10, () => {
        r.render(scene, off);
        gl.glFinish();
      });
      rows.push({
        name: `draw test scene (${scene.opaqueCount + scene.transparentCount} cubes + text) ${w}×${h} (glFinish)`,
        value: draw.wall, unit: 'ms', note: `${draw.cpu.toFixed(1)} ms CPU; ${note}`,
      });
      const drawGrid = timeCpu(6, () => {
        r.render(grid, off);
        gl.glFinish();
      });
      rows.push({ name: `draw 8,192 cubes ${w}×${h} (glFinish)`, value: drawGrid.wall, unit: 'ms', note: `${drawGrid.cpu.toFixed(1)} ms CPU; ${note}` });
      r.render(scene, off);
      gl.glFinish();
      const read = time(10, () => void off.readPixels('rgba', out));
      rows.push({ name: `readback RGBA ${w}×${h}`, value: read, unit: 'ms', note });
      const both = timeCpu(10, () => {
        r.render(scene, off);
        off.readPixels('rgba', out);
      });
      rows.push({ name: `draw + readback test scene ${w}×${h}`, value: both.wall, unit: 'ms', target: '< 25 ms', ok: both.wall < 25, note: `${note}; ${load()}` });
      rows.push({ name: `  … process CPU time (all GL threads) per frame`, value: both.cpu, unit: 'ms CPU', note });
      // Pipelined as the recorder does it: read frame N while frame N+1 is drawn.
      r.render(scene, off);
      off.beginRead('rgba');
      const piped = time(10, () => {
        r.render(scene, off);
        off.beginRead('rgba');
        off.finishRead(out);
      });
      off.finishRead(out);
      rows.push({ name: `pipelined frame (draw N+1 + finish read N) ${w}×${h}`, value: piped, unit: 'ms', note });
      if (w === 1600) {
        const rgba = off.readPixels('rgba');
        rows.push({ name: 'PNG encode 1600×900 RGBA, node:zlib level 1', value: time(5, () => void encodePng(rgba, w, h, 4)), unit: 'ms' });
        const canvas = createCanvas(w, h);
        const c2d = canvas.getContext('2d');
        const img = c2d.createImageData(w, h);
        img.data.set(rgba);
        c2d.putImageData(img, 0, 0);
        rows.push({ name: 'PNG encode 1600×900, @napi-rs/canvas encodeSync', value: time(5, () => void canvas.encodeSync('png')), unit: 'ms' });
      }
      // Real pipeline frames (random-weights scene): attention (t = 19.6) and the busiest, FFN ×W2 (t = 57).
      const pipeline = buildScene({ kind: 'random', record: randomModeForward(DEFAULT_CONFIG) });
      const pf = createFrame();
      for (const t of [19.6, 57]) {
        frameAt(pipeline, t, INITIAL_VIEW, w / h, pf, createFrameScratch(pipeline));
        const real = timeCpu(8, () => {
          r.render(pf, off);
          off.readPixels('rgba', out);
        });
        rows.push({
          name: `draw + readback pipeline frame t=${t} (${pf.opaqueCount + pf.transparentCount} cubes, ${pf.labelCount} labels) ${w}×${h}`,
          value: real.wall, unit: 'ms', target: '< 25 ms', ok: real.wall < 25, note: `${real.cpu.toFixed(1)} ms CPU; ${load()}`,
        });
      }
      off.dispose();
    }
  } finally {
    ctx.close();
    display.stop();
  }
  return rows;
}
