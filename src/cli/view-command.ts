/**
 * The visualiser itself (`gptviz [flags]`, anything that is not a subcommand): parse the flags
 * (options.ts), answer --help / --version, then hand the typed ViewOptions to one of the three
 * app modules — `--snapshot` → app/snapshot.ts, `--record` → app/record.ts, otherwise the
 * interactive window app/interactive.ts. Each is imported lazily, so `--help` loads no GL,
 * audio or ffmpeg code. Spec §3.1 (flags and modes).
 *
 * What this is not: the apps (owned by the renderer, recording and app engineers) and the error
 * printing (cli/main.ts).
 */
import { parseViewArgs, packageVersion, viewHelp } from './options.js';
import type { Warn } from '../run/prompt.js';

/** Run the visualiser; returns the process exit code. */
export async function run(argv: string[], warn?: Warn): Promise<number> {
  const opts = parseViewArgs(argv, warn);
  if (opts.help) {
    process.stdout.write(viewHelp());
    return 0;
  }
  if (opts.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (opts.snapshot !== undefined) return (await import('../app/snapshot.js')).snapshot(opts);
  if (opts.record) return (await import('../app/record.js')).record(opts);
  // First frame first (issue 15): the window opens (on a worker thread where it can) while the
  // window's modules load and its run is built.
  const opening = (await import('../app/window-open.js')).startWindow(opts);
  return (await import('../app/interactive.js')).interactive(opts, opening);
}
