#!/usr/bin/env node
/**
 * The bin entry: pick the subcommand, run it, and turn a UserError into one line on stderr and
 * an exit code (STYLE.md §28). Nothing else catches UserError. Bugs keep their stack.
 *
 * Subcommands live in their own modules (`<name>-command.ts`), loaded lazily so that, e.g.,
 * `gptviz generate` never loads GLFW or audio. Each exports
 * `run(argv: string[]): Promise<number>` returning the exit code.
 */
import module from 'node:module';
import { isUserError } from '../errors.js';

// Node ≥ 22.1 keeps V8's compiled code of the modules on disk (in the system's temporary folder,
// or NODE_COMPILE_CACHE) and reuses it on the next start: the window's modules load faster, and
// its first frame comes sooner (issue 15). Node 20 has no such cache; nothing happens there.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

type Command = { run(argv: string[]): Promise<number> };

/** Subcommand name → module loader. Anything else is the visualiser itself (window/snapshot/record). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  generate: () => import('./generate-command.js'),
  train: () => import('./train-command.js'),
  music: () => import('./music-command.js'),
  sounds: () => import('./sounds-command.js'),
  'contact-sheet': () => import('./contact-sheet-command.js'),
};

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  const load = first !== undefined ? COMMANDS[first] : undefined;
  if (load !== undefined) return (await load()).run(argv.slice(1));
  return (await import('./view-command.js')).run(argv);
}

// `gptviz generate | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isUserError(err)) {
      process.stderr.write(`gptviz: error: ${err.message}\n`);
      process.stderr.write(`${err.hint}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`gptviz: internal error (a bug — please report it):\n`);
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    }
  },
);
