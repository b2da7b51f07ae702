/**
 * Shader programs: find shaders/ beside the package root, read the GLSL files at run time,
 * compile and link, and look up every uniform once after linking (STYLE.md §18, spec §7.4–7.5).
 *
 * Problems are fatal and legible: a compile or link failure throws ShaderError (a UserError) whose
 * message names the file and line ("shaders/text.frag:12: error: …") and whose hint shows the
 * numbered source around the failing line with the driver's log under it. A uniform the program
 * lacks is an error too.
 *
 * What it is not: no GL state caching or drawing (renderer.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { Gl } from './gl.js';
import type { ProgramCache } from './program-cache.js';
import { GL_COMPILE_STATUS, GL_FRAGMENT_SHADER, GL_INFO_LOG_LENGTH, GL_LINK_STATUS, GL_VERTEX_SHADER } from './gl-enums.js';

export class ShaderError extends UserError {}

export interface ShaderSource {
  /** File name shown in errors, e.g. "shaders/text.frag". */
  name: string;
  source: string;
}

export interface Program<U extends string> {
  readonly program: number;
  readonly uniforms: Readonly<Record<U, number>>;
}

/** Walk up from this module until a folder containing shaders/box_instanced.vert is found. */
export function findPackageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'shaders', 'box_instanced.vert'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`shaders/ not found above ${from}`);
    dir = parent;
  }
}

/** Read shaders/<file> from the package root. */
export function readShader(file: string, root: string = findPackageRoot()): ShaderSource {
  const p = path.join(root, 'shaders', file);
  try {
    return { name: `shaders/${file}`, source: readFileSync(p, 'utf8') };
  } catch {
    throw new UserError(`cannot read shader ${p}`, { hint: 'the installation is incomplete: reinstall gptviz' });
  }
}

/** First source line number the driver log points at (Mesa "0:12(5):", NVIDIA "0(12) :", Apple "ERROR: 0:12:"). */
export function logLine(log: string): number | null {
  const m = /(?:^|\n)\s*(?:ERROR:\s*|WARNING:\s*)?\d+[:(](\d+)/.exec(log);
  return m === null ? null : Number(m[1]);
}

/**
 * Numbered source excerpt (a few lines either side of `line`) with the log lines under the failing
 * line; the whole numbered source when the line is unknown.
 */
export function formatShaderError(src: ShaderSource, log: string): { message: string; detail: string } {
  const line = logLine(log);
  const lines = src.source.split('\n');
  const first = line === null ? 1 : Math.max(1, line - 3);
  const last = line === null ? lines.length : Math.min(lines.length, line + 2);
  const width = String(last).length;
  const logLines = log.trim().split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${String(n).padStart(width)}: ${lines[n - 1] ?? ''}`);
    if (n === line) for (const l of logLines) out.push(`${' '.repeat(width)}  ^^^ ${l}`);
  }
  if (line === null) for (const l of logLines) out.push(l);
  const firstLog = logLines[0] ?? 'unknown error';
  return {
    message: `${src.name}${line === null ? '' : `:${line}`}: shader compile failed: ${firstLog}`,
    detail: out.join('\n'),
  };
}

const statusOut = new Int32Array(1);
const lenOut = new Int32Array(1);

function infoLog(gl: Gl, id: number, isProgram: boolean): string {
  if (isProgram) gl.glGetProgramiv(id, GL_INFO_LOG_LENGTH, statusOut);
  else gl.glGetShaderiv(id, GL_INFO_LOG_LENGTH, statusOut);
  const n = Math.max(1, statusOut[0]!);
  const buf = new Uint8Array(n + 1);
  if (isProgram) gl.glGetProgramInfoLog(id, n + 1, lenOut, buf);
  else gl.glGetShaderInfoLog(id, n + 1, lenOut, buf);
  return Buffer.from(buf.subarray(0, Math.min(n, lenOut[0]!))).toString('utf8');
}

function compile(gl: Gl, type: number, src: ShaderSource): number {
  const id = gl.glCreateShader(type);
  gl.glShaderSource(id, 1, [src.source], null);
  gl.glCompileShader(id);
  gl.glGetShaderiv(id, GL_COMPILE_STATUS, statusOut);
  if (statusOut[0] === 0) {
    const log = infoLog(gl, id, false);
    gl.glDeleteShader(id);
    const { message, detail } = formatShaderError(src, log);
    throw new ShaderError(message, { hint: detail });
  }
  return id;
}

/**
 * Compile + link a program (or load it from `cache`, which keeps it when linked here) and resolve
 * the named uniforms (each must be active).
 */
export function buildProgram<U extends string>(
  gl: Gl, vert: ShaderSource, frag: ShaderSource, uniformNames: readonly U[], cache?: ProgramCache,
): Program<U> {
  const cached = cache?.load(vert.source, frag.source) ?? 0;
  const program = cached !== 0 ? cached : link(gl, vert, frag, cache);
  const uniforms = {} as Record<U, number>;
  for (const u of uniformNames) {
    const loc = gl.glGetUniformLocation(program, u);
    if (loc < 0) {
      gl.glDeleteProgram(program);
      throw new ShaderError(`${vert.name} + ${frag.name}: uniform ${u} is missing or unused`, {
        hint: 'the files in shaders/ do not match this gptviz: reinstall the package',
      });
    }
    uniforms[u] = loc;
  }
  return { program, uniforms };
}

/** Compile `vert` and `frag` and link them (their binary kept in `cache`); ShaderError on failure. */
function link(gl: Gl, vert: ShaderSource, frag: ShaderSource, cache: ProgramCache | undefined): number {
  const vs = compile(gl, GL_VERTEX_SHADER, vert);
  let fs: number;
  try {
    fs = compile(gl, GL_FRAGMENT_SHADER, frag);
  } catch (e) {
    gl.glDeleteShader(vs);
    throw e;
  }
  const program = gl.glCreateProgram();
  gl.glAttachShader(program, vs);
  gl.glAttachShader(program, fs);
  cache?.prepare(program);
  gl.glLinkProgram(program);
  gl.glDeleteShader(vs);
  gl.glDeleteShader(fs);
  gl.glGetProgramiv(program, GL_LINK_STATUS, statusOut);
  if (statusOut[0] === 0) {
    const log = infoLog(gl, program, true).trim();
    gl.glDeleteProgram(program);
    throw new ShaderError(`${vert.name} + ${frag.name}: shader link failed: ${log.split('\n')[0] ?? ''}`, { hint: log });
  }
  cache?.store(vert.source, frag.source, program);
  return program;
}
