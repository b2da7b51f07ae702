/**
 * The package root (the folder holding package.json), from this module's URL, not the cwd:
 * where the shipped weights/ and fonts/ are found.
 *
 * What it is not: shader lookup (core/shader.ts finds its own folder the same way).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the package root, with a trailing separator (dist/src/ → ../../). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The shipped weights, `weights/charlm.npz` in the package (--text's default; what the window types with). */
export const DEFAULT_WEIGHTS = resolve(PACKAGE_ROOT, 'weights', 'charlm.npz');
