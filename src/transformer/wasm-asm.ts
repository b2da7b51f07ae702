/**
 * A tiny WebAssembly assembler: just enough of the binary format (WebAssembly Core Spec 2.0 §5,
 * plus the fixed-width SIMD proposal's 0xFD opcodes) to emit the forward-pass kernels of
 * wasm-forward.ts as bytes at run time. There is no wat2wasm in this project's toolchain, and
 * generating the code from TypeScript lets every loop bound and address be a constant of the
 * model's config.
 *
 * What it is: a byte builder (`Code`) with one method per opcode we use, and `moduleBytes`,
 * which wraps function bodies into a module importing one memory (`env.mem`). Every function has
 * type (f32) → i32 or () → i32 here (see FnType). What it is not: a validator (V8 validates on
 * compile), a text-format parser, or a general-purpose wasm library.
 */

/** Value types (spec §5.3.1). */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

/** Memory access alignment hints (log2 bytes). Hints only: a misaligned access never traps. */
const ALIGN4 = 2;
const ALIGN16 = 4;

/** A growable byte buffer (a number[] with per-byte pushes and copies was 100× slower). */
export class ByteBuf {
  private buf = new Uint8Array(1024);
  length = 0;
  push(b: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b;
  }
  append(other: ByteBuf): void {
    while (this.length + other.length > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(other.bytes(), this.length);
    this.length += other.length;
  }
  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Unsigned LEB128. */
function uleb(out: ByteBuf, v: number): void {
  let x = v >>> 0;
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(out: ByteBuf, v: number): void {
  let x = v | 0;
  for (;;) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const F32_SCRATCH = new Float32Array(1);
const F32_BYTES = new Uint8Array(F32_SCRATCH.buffer);

/** One function body under construction: locals and instruction bytes. */
export class Code {
  readonly bytes = new ByteBuf();
  /** Types of the declared locals after the parameters. */
  readonly localTypes: ValType[] = [];

  constructor(readonly paramCount: number) {}

  /** Declare a local; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  private op(b0: number, b1?: number): this {
    this.bytes.push(b0);
    if (b1 !== undefined) this.bytes.push(b1);
    return this;
  }
  private simd(sub: number): this {
    this.bytes.push(0xfd);
    uleb(this.bytes, sub);
    return this;
  }
  private memarg(align: number, offset: number): this {
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`wasm memarg offset ${offset}`);
    uleb(this.bytes, align);
    uleb(this.bytes, offset);
    return this;
  }

  // control (spec §5.4.1); blocks and loops take the empty block type
  block(): this { return this.op(0x02, 0x40); } // prettier-ignore
  loop(): this { return this.op(0x03, 0x40); } // prettier-ignore
  if(): this { return this.op(0x04, 0x40); } // prettier-ignore
  end(): this { return this.op(0x0b); } // prettier-ignore
  br(depth: number): this { this.op(0x0c); uleb(this.bytes, depth); return this; } // prettier-ignore
  brIf(depth: number): this { this.op(0x0d); uleb(this.bytes, depth); return this; } // prettier-ignore
  call(fn: number): this { this.op(0x10); uleb(this.bytes, fn); return this; } // prettier-ignore
  drop(): this { return this.op(0x1a); } // prettier-ignore

  // locals
  get(i: number): this { this.op(0x20); uleb(this.bytes, i); return this; } // prettier-ignore
  set(i: number): this { this.op(0x21); uleb(this.bytes, i); return this; } // prettier-ignore
  tee(i: number): this { this.op(0x22); uleb(this.bytes, i); return this; } // prettier-ignore

  // i32
  i32(v: number): this { this.op(0x41); sleb(this.bytes, v); return this; } // prettier-ignore
  i32Load(offset: number): this { return this.op(0x28).memarg(ALIGN4, offset); } // prettier-ignore
  i32Add(): this { return this.op(0x6a); } // prettier-ignore
  i32Mul(): this { return this.op(0x6c); } // prettier-ignore
  i32LtU(): this { return this.op(0x49); } // prettier-ignore
  i32Sub(): this { return this.op(0x6b); } // prettier-ignore

  // f32
  f32(v: number): this {
    this.op(0x43);
    F32_SCRATCH[0] = v;
    for (let i = 0; i < 4; i++) this.bytes.push(F32_BYTES[i]!);
    return this;
  }
  f32Load(offset: number): this { return this.op(0x2a).memarg(ALIGN4, offset); } // prettier-ignore
  f32Store(offset: number): this { return this.op(0x38).memarg(ALIGN4, offset); } // prettier-ignore
  f32Sub(): this { return this.op(0x93); } // prettier-ignore
  f32Ne(): this { return this.op(0x5c); } // prettier-ignore

  // v128 memory and lanes
  v128Load(offset: number): this { return this.simd(0x00).memarg(ALIGN16, offset); } // prettier-ignore
  /** Load one f32 and splat it to all four lanes. */
  loadSplat(offset: number): this { return this.simd(0x09).memarg(ALIGN4, offset); } // prettier-ignore
  v128Store(offset: number): this { return this.simd(0x0b).memarg(ALIGN16, offset); } // prettier-ignore
  /** f32x4 constant with all lanes = v. */
  f32x4Const(v: number): this {
    this.simd(0x0c);
    F32_SCRATCH[0] = v;
    for (let l = 0; l < 4; l++) for (let i = 0; i < 4; i++) this.bytes.push(F32_BYTES[i]!);
    return this;
  }
  /** i32x4 constant with all lanes = v. */
  i32x4Const(v: number): this {
    this.simd(0x0c);
    for (let l = 0; l < 4; l++) for (let i = 0; i < 4; i++) this.bytes.push((v >>> (8 * i)) & 0xff);
    return this;
  }
  /** i8x16.shuffle of two vectors by 32-bit lanes (each index 0–7; 4–7 pick from the second). */
  shuffle32(l0: number, l1: number, l2: number, l3: number): this {
    this.simd(0x0d);
    for (const l of [l0, l1, l2, l3]) for (let b = 0; b < 4; b++) this.bytes.push(l * 4 + b);
    return this;
  }
  f32x4Splat(): this { return this.simd(0x13); } // prettier-ignore
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f).op(lane); } // prettier-ignore

  // v128 arithmetic (SIMD proposal opcodes)
  f32x4Lt(): this { return this.simd(0x43); } // prettier-ignore
  v128And(): this { return this.simd(0x4e); } // prettier-ignore
  v128AndNot(): this { return this.simd(0x4f); } // prettier-ignore
  i32x4Shl(): this { return this.simd(0xab); } // prettier-ignore
  i32x4Add(): this { return this.simd(0xae); } // prettier-ignore
  f32x4Sqrt(): this { return this.simd(0xe3); } // prettier-ignore
  f32x4Add(): this { return this.simd(0xe4); } // prettier-ignore
  f32x4Sub(): this { return this.simd(0xe5); } // prettier-ignore
  f32x4Mul(): this { return this.simd(0xe6); } // prettier-ignore
  f32x4Div(): this { return this.simd(0xe7); } // prettier-ignore
  /** Pseudo-minimum b < a ? b : a (one minps; no NaN fix-ups). */
  f32x4Pmin(): this { return this.simd(0xea); } // prettier-ignore
  /** Pseudo-maximum a < b ? b : a (one maxps; no NaN fix-ups). */
  f32x4Pmax(): this { return this.simd(0xeb); } // prettier-ignore

  /** The body as the code section wants it: size-prefixed locals + instructions + end. */
  encode(out: ByteBuf): void {
    const head = new ByteBuf();
    // locals compressed into runs of equal type
    const runs: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(head, runs.length);
    for (const [n, t] of runs) {
      uleb(head, n);
      head.push(t);
    }
    uleb(out, head.length + this.bytes.length + 1);
    out.append(head);
    out.append(this.bytes);
    out.push(0x0b);
  }
}

/** The function signatures used: () → i32 and (f32) → i32. */
export type FnType = 'void' | 'f32';

export interface FnDef {
  readonly name: string;
  readonly type: FnType;
  readonly code: Code;
}

function section(out: ByteBuf, id: number, content: ByteBuf): void {
  out.push(id);
  uleb(out, content.length);
  out.append(content);
}

function name(out: ByteBuf, s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  for (const x of b) out.push(x);
}

function bytesOf(...b: number[]): ByteBuf {
  const out = new ByteBuf();
  for (const x of b) out.push(x);
  return out;
}

/**
 * A module importing memory `env.mem` (at least `pages` 64 KiB pages) and exporting each
 * function under its name (spec §5.5).
 */
export function moduleBytes(pages: number, fns: readonly FnDef[]): Uint8Array {
  const out = bytesOf(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  // type section: 0 = () → i32, 1 = (f32) → i32
  section(out, 1, bytesOf(2, 0x60, 0, 1, I32, 0x60, 1, F32, 1, I32));
  const imp = bytesOf(1);
  name(imp, 'env');
  name(imp, 'mem');
  imp.push(0x02);
  imp.push(0x00);
  uleb(imp, pages);
  section(out, 2, imp);
  const funcs = new ByteBuf();
  uleb(funcs, fns.length);
  for (const f of fns) funcs.push(f.type === 'void' ? 0 : 1);
  section(out, 3, funcs);
  const exp = new ByteBuf();
  uleb(exp, fns.length);
  fns.forEach((f, i) => {
    name(exp, f.name);
    exp.push(0x00);
    uleb(exp, i);
  });
  section(out, 7, exp);
  const code = new ByteBuf();
  uleb(code, fns.length);
  for (const f of fns) f.code.encode(code);
  section(out, 10, code);
  return out.bytes().slice();
}
