/**
 * Worker-thread entry that computes a scene's live event gains (render.ts liveEventGains: the
 * whole offline mix, filters and compressor, ≈ 0.3 s for the first scene) off the window's thread,
 * so the window's first frame does not wait for it (issue 15), and posts them back (transferred).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { liveEventGains } from './render.js';
import type { SceneSound } from './sonification.js';

const gains = liveEventGains(workerData as SceneSound);
parentPort?.postMessage(gains, [gains.buffer as ArrayBuffer]);
