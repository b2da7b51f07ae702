/**
 * The typed table of exactly the OpenGL 4.1 core functions gptviz calls (spec §7), resolved
 * with glfwGetProcAddress after the context is current and bound with
 * `koffi.decode(ptr, koffi.proto(...))`.
 *
 * Mesa returns a non-null stub for any name, so the version is checked from GL_VERSION
 * (≥ 4.1), not from pointers. With GPTVIZ_GL_DEBUG=1 every call is followed by glGetError and
 * a failure names the call and its arguments.
 *
 * What it is not: no state, no resources, no rendering decisions (renderer.ts owns those).
 * Together with glfw.ts the only importer of koffi (STYLE.md §3). Offset-style pointer
 * arguments (glVertexAttribPointer's last, glReadPixels into a pack buffer) are uintptr_t.
 * Typed arrays passed in are only read/written during the call.
 */
import koffi from 'koffi';
import { UserError } from '../errors.js';
import { GL_NO_ERROR, GL_RENDERER, GL_VERSION } from './gl-enums.js';

/** Anything koffi accepts as a data pointer for the duration of a call. */
export type GlData = ArrayBufferView | null;

export interface Gl {
  glGetError(): number;
  glGetString(name: number): string | null;
  glGetIntegerv(pname: number, data: Int32Array): void;
  glViewport(x: number, y: number, w: number, h: number): void;
  glClearColor(r: number, g: number, b: number, a: number): void;
  glClear(mask: number): void;
  glScissor(x: number, y: number, w: number, h: number): void;
  glEnable(cap: number): void;
  glDisable(cap: number): void;
  glDepthMask(flag: number): void;
  glStencilFunc(func: number, ref: number, mask: number): void;
  glStencilOp(sfail: number, dpfail: number, dppass: number): void;
  glClearStencil(s: number): void;
  glDepthFunc(func: number): void;
  glBlendFunc(sfactor: number, dfactor: number): void;
  glBlendFuncSeparate(srcRgb: number, dstRgb: number, srcAlpha: number, dstAlpha: number): void;
  glCullFace(mode: number): void;
  glFrontFace(mode: number): void;
  glFinish(): void;
  glFlush(): void;
  glPixelStorei(pname: number, param: number): void;

  glCreateShader(type: number): number;
  glShaderSource(shader: number, count: number, strings: string[], lengths: null): void;
  glCompileShader(shader: number): void;
  glGetShaderiv(shader: number, pname: number, out: Int32Array): void;
  glGetShaderInfoLog(shader: number, bufSize: number, length: Int32Array, log: Uint8Array): void;
  glDeleteShader(shader: number): void;
  glCreateProgram(): number;
  glAttachShader(program: number, shader: number): void;
  glLinkProgram(program: number): void;
  glGetProgramiv(program: number, pname: number, out: Int32Array): void;
  glProgramParameteri(program: number, pname: number, value: number): void;
  glGetProgramBinary(program: number, bufSize: number, length: Int32Array, binaryFormat: Uint32Array, binary: Uint8Array): void;
  glProgramBinary(program: number, binaryFormat: number, binary: Uint8Array, length: number): void;
  glGetProgramInfoLog(program: number, bufSize: number, length: Int32Array, log: Uint8Array): void;
  glUseProgram(program: number): void;
  glDeleteProgram(program: number): void;
  glGetUniformLocation(program: number, name: string): number;
  glUniformMatrix4fv(loc: number, count: number, transpose: number, value: Float32Array): void;
  glUniform3f(loc: number, x: number, y: number, z: number): void;
  glUniform3fv(loc: number, count: number, value: Float32Array): void;
  glUniform4fv(loc: number, count: number, value: Float32Array): void;
  glUniform1i(loc: number, v: number): void;

  glGenVertexArrays(n: number, out: Uint32Array): void;
  glBindVertexArray(vao: number): void;
  glDeleteVertexArrays(n: number, arrays: Uint32Array): void;
  glGenBuffers(n: number, out: Uint32Array): void;
  glBindBuffer(target: number, buffer: number): void;
  glBufferData(target: number, size: number, data: GlData, usage: number): void;
  glBufferSubData(target: number, offset: number, size: number, data: GlData): void;
  glGetBufferSubData(target: number, offset: number, size: number, data: ArrayBufferView): void;
  glDeleteBuffers(n: number, buffers: Uint32Array): void;
  glEnableVertexAttribArray(index: number): void;
  glVertexAttribPointer(index: number, size: number, type: number, norm: number, stride: number, offset: number): void;
  glVertexAttribDivisor(index: number, divisor: number): void;
  glDrawArrays(mode: number, first: number, count: number): void;
  glDrawArraysInstanced(mode: number, first: number, count: number, instances: number): void;

  glGenTextures(n: number, out: Uint32Array): void;
  glBindTexture(target: number, tex: number): void;
  glActiveTexture(unit: number): void;
  glTexImage2D(
    target: number, level: number, internal: number, w: number, h: number, border: number,
    format: number, type: number, data: GlData,
  ): void;
  glTexParameteri(target: number, pname: number, param: number): void;
  glTexSubImage2D(
    target: number, level: number, x: number, y: number, w: number, h: number, format: number, type: number, data: GlData,
  ): void;
  glGenerateMipmap(target: number): void;
  /** Level `level` of the bound texture into `out` (tests: mipmaps.ts against the driver's). */
  glGetTexImage(target: number, level: number, format: number, type: number, out: Uint8Array): void;
  glDeleteTextures(n: number, textures: Uint32Array): void;

  glGenFramebuffers(n: number, out: Uint32Array): void;
  glBindFramebuffer(target: number, fbo: number): void;
  glDeleteFramebuffers(n: number, fbos: Uint32Array): void;
  glCheckFramebufferStatus(target: number): number;
  glFramebufferRenderbuffer(target: number, attachment: number, rbTarget: number, rb: number): void;
  glFramebufferTexture2D(target: number, attachment: number, texTarget: number, tex: number, level: number): void;
  glClearBufferfv(buffer: number, drawBuffer: number, value: Float32Array): void;
  glBlitFramebuffer(
    sx0: number, sy0: number, sx1: number, sy1: number, dx0: number, dy0: number, dx1: number, dy1: number,
    mask: number, filter: number,
  ): void;
  glGenRenderbuffers(n: number, out: Uint32Array): void;
  glBindRenderbuffer(target: number, rb: number): void;
  glRenderbufferStorage(target: number, internal: number, w: number, h: number): void;
  glRenderbufferStorageMultisample(target: number, samples: number, internal: number, w: number, h: number): void;
  glDeleteRenderbuffers(n: number, rbs: Uint32Array): void;
  /** Reads into the bound GL_PIXEL_PACK_BUFFER at byte `offset`. */
  glReadPixels(x: number, y: number, w: number, h: number, format: number, type: number, offset: number): void;
}

/** C prototypes, one per entry of `Gl`. GL types: enum/uint/bitfield → uint32_t, sizei/int → int, *ptr → intptr_t. */
const PROTOS: readonly string[] = [
  'uint32_t glGetError()',
  'const char *glGetString(uint32_t name)',
  'void glGetIntegerv(uint32_t pname, _Out_ int32_t *data)',
  'void glViewport(int x, int y, int w, int h)',
  'void glClearColor(float r, float g, float b, float a)',
  'void glClear(uint32_t mask)',
  'void glScissor(int x, int y, int w, int h)',
  'void glEnable(uint32_t cap)',
  'void glDisable(uint32_t cap)',
  'void glDepthMask(uint8_t flag)',
  'void glDepthFunc(uint32_t func)',
  'void glStencilFunc(uint32_t func, int ref, uint32_t mask)',
  'void glStencilOp(uint32_t sfail, uint32_t dpfail, uint32_t dppass)',
  'void glClearStencil(int s)',
  'void glBlendFunc(uint32_t s, uint32_t d)',
  'void glBlendFuncSeparate(uint32_t sr, uint32_t dr, uint32_t sa, uint32_t da)',
  'void glCullFace(uint32_t mode)',
  'void glFrontFace(uint32_t mode)',
  'void glFinish()',
  'void glFlush()',
  'void glPixelStorei(uint32_t pname, int param)',
  'uint32_t glCreateShader(uint32_t type)',
  'void glShaderSource(uint32_t shader, int count, const char **strings, const int32_t *lengths)',
  'void glCompileShader(uint32_t shader)',
  'void glGetShaderiv(uint32_t shader, uint32_t pname, _Out_ int32_t *out)',
  'void glGetShaderInfoLog(uint32_t shader, int bufSize, _Out_ int32_t *length, _Out_ uint8_t *log)',
  'void glDeleteShader(uint32_t shader)',
  'uint32_t glCreateProgram()',
  'void glAttachShader(uint32_t program, uint32_t shader)',
  'void glLinkProgram(uint32_t program)',
  'void glGetProgramiv(uint32_t program, uint32_t pname, _Out_ int32_t *out)',
  'void glProgramParameteri(uint32_t program, uint32_t pname, int32_t value)',
  'void glGetProgramBinary(uint32_t program, int32_t bufSize, _Out_ int32_t *length, _Out_ uint32_t *binaryFormat, _Out_ uint8_t *binary)',
  'void glProgramBinary(uint32_t program, uint32_t binaryFormat, const uint8_t *binary, int32_t length)',
  'void glGetProgramInfoLog(uint32_t program, int bufSize, _Out_ int32_t *length, _Out_ uint8_t *log)',
  'void glUseProgram(uint32_t program)',
  'void glDeleteProgram(uint32_t program)',
  'int glGetUniformLocation(uint32_t program, const char *name)',
  'void glUniformMatrix4fv(int loc, int count, uint8_t transpose, const float *value)',
  'void glUniform3f(int loc, float x, float y, float z)',
  'void glUniform3fv(int loc, int count, const float *value)',
  'void glUniform4fv(int loc, int count, const float *value)',
  'void glUniform1i(int loc, int v)',
  'void glGenVertexArrays(int n, _Out_ uint32_t *out)',
  'void glBindVertexArray(uint32_t vao)',
  'void glDeleteVertexArrays(int n, const uint32_t *arrays)',
  'void glGenBuffers(int n, _Out_ uint32_t *out)',
  'void glBindBuffer(uint32_t target, uint32_t buffer)',
  'void glBufferData(uint32_t target, intptr_t size, const void *data, uint32_t usage)',
  'void glBufferSubData(uint32_t target, intptr_t offset, intptr_t size, const void *data)',
  'void glGetBufferSubData(uint32_t target, intptr_t offset, intptr_t size, _Out_ void *data)',
  'void glDeleteBuffers(int n, const uint32_t *buffers)',
  'void glEnableVertexAttribArray(uint32_t index)',
  'void glVertexAttribPointer(uint32_t index, int size, uint32_t type, uint8_t norm, int stride, uintptr_t offset)',
  'void glVertexAttribDivisor(uint32_t index, uint32_t divisor)',
  'void glDrawArrays(uint32_t mode, int first, int count)',
  'void glDrawArraysInstanced(uint32_t mode, int first, int count, int instances)',
  'void glGenTextures(int n, _Out_ uint32_t *out)',
  'void glBindTexture(uint32_t target, uint32_t tex)',
  'void glActiveTexture(uint32_t unit)',
  'void glTexImage2D(uint32_t target, int level, int internal, int w, int h, int border, uint32_t format, uint32_t type, const void *data)',
  'void glTexParameteri(uint32_t target, uint32_t pname, int param)',
  'void glTexSubImage2D(uint32_t target, int level, int x, int y, int w, int h, uint32_t format, uint32_t type, const void *data)',
  'void glGenerateMipmap(uint32_t target)',
  'void glGetTexImage(uint32_t target, int level, uint32_t format, uint32_t type, void *out)',
  'void glDeleteTextures(int n, const uint32_t *textures)',
  'void glGenFramebuffers(int n, _Out_ uint32_t *out)',
  'void glBindFramebuffer(uint32_t target, uint32_t fbo)',
  'void glDeleteFramebuffers(int n, const uint32_t *fbos)',
  'uint32_t glCheckFramebufferStatus(uint32_t target)',
  'void glFramebufferRenderbuffer(uint32_t target, uint32_t attachment, uint32_t rbTarget, uint32_t rb)',
  'void glFramebufferTexture2D(uint32_t target, uint32_t attachment, uint32_t texTarget, uint32_t tex, int level)',
  'void glClearBufferfv(uint32_t buffer, int drawBuffer, const float *value)',
  'void glBlitFramebuffer(int sx0, int sy0, int sx1, int sy1, int dx0, int dy0, int dx1, int dy1, uint32_t mask, uint32_t filter)',
  'void glGenRenderbuffers(int n, _Out_ uint32_t *out)',
  'void glBindRenderbuffer(uint32_t target, uint32_t rb)',
  'void glRenderbufferStorage(uint32_t target, uint32_t internal, int w, int h)',
  'void glRenderbufferStorageMultisample(uint32_t target, int samples, uint32_t internal, int w, int h)',
  'void glDeleteRenderbuffers(int n, const uint32_t *rbs)',
  'void glReadPixels(int x, int y, int w, int h, uint32_t format, uint32_t type, uintptr_t offset)',
];

/** koffi prototype types, declared once per process (a second context reuses them). */
const PROTO_TYPES = new Map<string, ReturnType<typeof koffi.proto>>();

const ERROR_NAMES: Record<number, string> = {
  0x0500: 'GL_INVALID_ENUM',
  0x0501: 'GL_INVALID_VALUE',
  0x0502: 'GL_INVALID_OPERATION',
  0x0505: 'GL_OUT_OF_MEMORY',
  0x0506: 'GL_INVALID_FRAMEBUFFER_OPERATION',
};

function describeArg(a: unknown): string {
  if (ArrayBuffer.isView(a)) return `${a.constructor.name}(${(a as unknown as { length?: number }).length ?? a.byteLength})`;
  if (typeof a === 'string') return JSON.stringify(a.length > 40 ? `${a.slice(0, 40)}…` : a);
  if (Array.isArray(a)) return `[${a.length} items]`;
  return String(a);
}

/** Parse "4.5 (Core Profile) Mesa 22.3.6" / "4.1 INTEL-…" / "OpenGL ES 3.2 …" → [major, minor]. */
export function parseGlVersion(version: string): [number, number] {
  const m = /(\d+)\.(\d+)/.exec(version);
  if (m === null) return [0, 0];
  return [Number(m[1]), Number(m[2])];
}

export interface GlInfo {
  version: string;
  renderer: string;
  major: number;
  minor: number;
}

/** True for Mesa's software rasterisers (llvmpipe, softpipe, swrast): no GPU, every pixel costs CPU. */
export function isSoftwareRenderer(info: GlInfo): boolean {
  return /llvmpipe|softpipe|swrast/i.test(info.renderer);
}

/**
 * Resolve every function for the current context. `debug` (default: GPTVIZ_GL_DEBUG=1) wraps each
 * call with a glGetError check that throws naming the call. Throws UserError below OpenGL 4.1.
 */
export function loadGl(
  getProcAddress: (name: string) => bigint | null,
  debug = process.env.GPTVIZ_GL_DEBUG === '1',
): { gl: Gl; info: GlInfo } {
  const table: Record<string, (...args: unknown[]) => unknown> = {};
  for (const sig of PROTOS) {
    const name = /\b(gl\w+)\(/.exec(sig)![1]!;
    const ptr = getProcAddress(name);
    if (ptr === null || ptr === 0n) {
      throw new UserError(`OpenGL function ${name} is missing`, {
        hint: 'OpenGL 4.1 core is required; update your graphics drivers',
      });
    }
    let proto = PROTO_TYPES.get(name);
    if (proto === undefined) {
      proto = koffi.proto(sig.replace(name, `${name}_t`));
      PROTO_TYPES.set(name, proto);
    }
    table[name] = koffi.decode(ptr, proto) as (...args: unknown[]) => unknown;
  }
  const raw = table as unknown as Gl;
  const version = raw.glGetString(GL_VERSION) ?? '';
  const renderer = raw.glGetString(GL_RENDERER) ?? '';
  const [major, minor] = parseGlVersion(version);
  if (major < 4 || (major === 4 && minor < 1)) {
    throw new UserError(`OpenGL ${major}.${minor} is too old: gptviz needs OpenGL 4.1 core (driver reports "${version}", ${renderer})`, {
      hint: 'update your graphics drivers, or on Linux try: LIBGL_ALWAYS_SOFTWARE=1 gptviz …',
    });
  }
  if (!debug) return { gl: raw, info: { version, renderer, major, minor } };
  const checked: Record<string, (...args: unknown[]) => unknown> = {};
  const getError = table.glGetError!;
  for (const [name, fn] of Object.entries(table)) {
    if (name === 'glGetError') {
      checked[name] = fn;
      continue;
    }
    checked[name] = (...args: unknown[]) => {
      const r = fn(...args);
      const err = getError() as number;
      if (err !== GL_NO_ERROR) {
        throw new Error(`${name}(${args.map(describeArg).join(', ')}) failed: ${ERROR_NAMES[err] ?? `0x${err.toString(16)}`}`);
      }
      return r;
    };
  }
  return { gl: checked as unknown as Gl, info: { version, renderer, major, minor } };
}
