/**
 * The words of `gptviz --help` that are not flags: the one-paragraph summary, the subcommands
 * with a line each, and the interactive keyboard/mouse controls (issue 7; spec §8.1–8.2).
 * The flags themselves come from their specs (options.ts) through flags.ts `formatHelp`, so
 * a flag cannot be added without appearing in `--help`.
 *
 * What this is not: each subcommand's own `--help` (its `*-command.ts` builds that from its
 * specs), and it does not print anything.
 */
import type { HelpSection } from './flags.js';

export const VIEW_SUMMARY =
  'gptviz draws a tiny GPT in 3D: every matrix of a 4-block, character-level transformer as a grid\n' +
  'of cubes (blue negative, red positive), every operation animated step by step. Without --text it\n' +
  'plays the random-weights pipeline; with --text it generates text with the trained model, one\n' +
  'character per step. --record writes an mp4, --snapshot writes one frame as a PNG.';

/** The subcommands dispatched by main.ts, in the order help and README list them. */
export const SUBCOMMANDS: readonly { readonly name: string; readonly summary: string }[] = Object.freeze([
  { name: 'generate', summary: 'print the autoregressive generation steps for --text in the terminal' },
  { name: 'train', summary: 'train the character-level model on Tiny Shakespeare (--data FILE)' },
  { name: 'music', summary: 'write the generated 155 BPM music track as a WAV' },
  { name: 'sounds', summary: 'write one preview WAV per sound of the sonification' },
  { name: 'contact-sheet', summary: 'render a grid of frames of the pipeline into one PNG' },
]);

/** Interactive controls (keys act on press, not on auto-repeat). */
export const CONTROLS: readonly (readonly [string, string])[] = Object.freeze([
  ['Space', 'play / pause'],
  ['← / →', 'previous / next stage, keeping play or pause (across generation steps too)'],
  [', / .', 'one frame back / forward, and pause'],
  ['Home / End', 'start / end of the step'],
  ['+ / −', 'speed up / slow down (0.25× – 5×)'],
  ['R', 'reset to the beginning of the generation'],
  ['H', 'show / hide the on-screen help and colour legend'],
  ['Enter', 'type a prompt at the bottom; Enter generates and plays it, Esc cancels'],
  ['[ / ]', 'temperature of the next generation −/+ 0.1 (0 – 2)'],
  ['K', 'captions on / off'],
  ['mouse drag', 'orbit the camera (it stays while paused)'],
  ['scroll', 'zoom'],
  ['C', 'camera back to its path'],
  ['hover / click', 'inspect a cube: value, token, formula / pin it'],
  ['timeline bar', 'click or drag to seek'],
  ['Esc', 'close the prompt line; else unpin; quit when nothing is pinned (closing the window too)'],
]);

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([k]) => k.length)) + 3;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`);
}

/** Extra `--help` sections of the visualiser: subcommands and controls. */
export function viewHelpSections(): HelpSection[] {
  return [
    {
      title: "Commands (see 'gptviz <command> --help')",
      lines: table(SUBCOMMANDS.map((c) => [c.name, c.summary] as const)),
    },
    { title: 'Controls in the window', lines: table(CONTROLS) },
    {
      title: 'Examples',
      lines: [
        'gptviz                                   random-weights pipeline in a window',
        'gptviz --text hello                      generate with weights/charlm.npz',
        'gptviz --record --text hello --fps 30    write recordings/transformer.mp4',
        'gptviz --snapshot 12.5 --out frame.png   the frame at t = 12.5 s as a PNG',
      ],
    },
  ];
}

/** The usage line of the visualiser. */
export const VIEW_USAGE = 'gptviz [flags]            (window; --record: mp4; --snapshot: PNG)\n       gptviz <command> [flags]';
