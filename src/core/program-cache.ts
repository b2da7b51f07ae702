/**
 * Linked shader programs kept as the driver's own binaries (glGetProgramBinary, OpenGL 4.1) in the
 * user's cache folder (user-cache.ts: program-<key>.bin) and loaded from there the next time
 * (glProgramBinary; issue 15, first frame first): Mesa's first GLSL compile in a process costs
 * ≈ 25 ms (its compiler's built-in functions), a cached program loads in ≈ 1.5 ms. The key is a
 * hash of both sources and the driver (GL_VERSION, GL_RENDERER). A binary the driver refuses
 * (another build of it: Mesa checks its own build id and a checksum) is compiled again and
 * replaced; a driver without binary formats caches nothing. The program is the same either way:
 * the driver's own record of the one it linked.
 *
 * What it is not: no compiling or linking (shader.ts), no folder rules (user-cache.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Gl } from './gl.js';
import {
  GL_LINK_STATUS, GL_NUM_PROGRAM_BINARY_FORMATS, GL_PROGRAM_BINARY_LENGTH, GL_PROGRAM_BINARY_RETRIEVABLE_HINT, GL_RENDERER, GL_VERSION,
} from './gl-enums.js';
import { storeCacheFile, userCacheDir } from '../user-cache.js';

/** The file: the binary's format (uint32 LE), then the driver's bytes. */
const FORMAT_BYTES = 4;

export class ProgramCache {
  /** GL_VERSION and GL_RENDERER: part of every key. */
  private readonly driver: string;
  private readonly dir: string | null;
  private readonly out = new Int32Array(1);
  private readonly format = new Uint32Array(1);

  /** `dir` null: nothing is cached (nor when the driver has no binary formats). */
  constructor(private readonly gl: Gl, dir: string | null = userCacheDir() ?? null) {
    gl.glGetIntegerv(GL_NUM_PROGRAM_BINARY_FORMATS, this.out);
    this.dir = this.out[0]! > 0 ? dir : null;
    this.driver = `${gl.glGetString(GL_VERSION) ?? ''}\n${gl.glGetString(GL_RENDERER) ?? ''}`;
  }

  /** The cache file of this pair of sources (GLSL text). */
  private file(vert: string, frag: string): string | undefined {
    if (this.dir === null) return undefined;
    const h = createHash('sha256');
    for (const part of [this.driver, vert, frag]) h.update(`${part.length}:${part}`);
    return path.join(this.dir, `program-${h.digest('hex').slice(0, 32)}.bin`);
  }

  /** The program linked from the sources `vert` and `frag`, loaded from the cache; 0 when it holds none the driver takes. */
  load(vert: string, frag: string): number {
    const file = this.file(vert, frag);
    if (file === undefined) return 0;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return 0;
    }
    if (bytes.length <= FORMAT_BYTES) return 0;
    const gl = this.gl;
    const program = gl.glCreateProgram();
    try {
      const body = new Uint8Array(bytes.buffer, bytes.byteOffset + FORMAT_BYTES, bytes.length - FORMAT_BYTES);
      gl.glProgramBinary(program, bytes.readUInt32LE(0), body, body.length);
      gl.glGetProgramiv(program, GL_LINK_STATUS, this.out);
      if (this.out[0] !== 0) return program;
    } catch {
      // GPTVIZ_GL_DEBUG: the driver's error on a binary it refuses; compiled again below
    }
    gl.glDeleteProgram(program);
    gl.glGetError(); // a refused binary may leave GL_INVALID_ENUM/VALUE behind
    return 0;
  }

  /** Before linking `program`: ask the driver to keep its binary (store needs it). */
  prepare(program: number): void {
    if (this.dir !== null) this.gl.glProgramParameteri(program, GL_PROGRAM_BINARY_RETRIEVABLE_HINT, 1);
  }

  /** Keep the binary of `program`, just linked from the sources `vert` and `frag` (best effort). */
  store(vert: string, frag: string, program: number): void {
    const file = this.file(vert, frag);
    if (file === undefined) return;
    const gl = this.gl;
    gl.glGetProgramiv(program, GL_PROGRAM_BINARY_LENGTH, this.out);
    const length = this.out[0]!;
    if (length <= 0) return;
    const bytes = Buffer.alloc(FORMAT_BYTES + length);
    const body = new Uint8Array(bytes.buffer, bytes.byteOffset + FORMAT_BYTES, length);
    gl.glGetProgramBinary(program, length, this.out, this.format, body);
    if (this.out[0] !== length) return;
    bytes.writeUInt32LE(this.format[0]!, 0);
    storeCacheFile(path.dirname(file), path.basename(file), bytes);
  }
}
