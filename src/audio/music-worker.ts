/**
 * Worker-thread entry that renders the generated music off the window's thread for the live
 * player (player.ts) and posts the two channels back (transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { renderMusic } from './music/music.js';

const { durationSeconds } = workerData as { durationSeconds: number };
const m = renderMusic({ durationSeconds });
parentPort?.postMessage(m, [m.left.buffer as ArrayBuffer, m.right.buffer as ArrayBuffer]);
