/**
 * RandomState: a NumPy legacy `numpy.random.RandomState`-compatible generator (MT19937 with the
 * legacy samplers), so that the default initialisation, the random-weights mode and sampling
 * reproduce the Python reference bit for bit from its seeds (spec §1.4, §1.7, §1.9).
 *
 * What it reproduces (numpy 1.x legacy code paths, `numpy/random/_mt19937.pyx`, `mt19937.c`,
 * `legacy-distributions.c`, `mtrand.pyx`):
 * - `RandomState(int)` seeding: `mt19937_seed` (Knuth's init_genrand, 1812433253 recurrence).
 *   `RandomState(array)` seeding (`init_by_array`) is `RandomState.fromArray`.
 * - `random_sample()`: 53-bit double from two 32-bit words (a >> 5, b >> 6).
 * - `standard_normal()` / `randn`: legacy polar Box–Muller with the cached second value. The C
 *   library's log() is replaced by a correctly rounded log (double-double); glibc's log agrees
 *   except in rare 0.5-ulp cases (≈3 in 10⁴ normals differ in the last bit of the float64, which
 *   never shows after the float32 cast the model applies).
 * - `choice(n, p=p)`: cdf = cumsum(p) (float64, sequential), cdf /= cdf[-1], one uniform,
 *   searchsorted(side='right').
 * - `permutation(n)` / `shuffle`: Fisher–Yates from the end with masked rejection
 *   (`random_interval`).
 * - `randint(low, high)` for ranges below 2³² (masked rejection, as the legacy bounded path).
 *
 * What it is not: the new `Generator`/PCG64 API, nor a cryptographic generator. Pure (no global
 * state); the only way to get randomness in the pure core (STYLE.md §14).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** 32-bit unsigned multiply (low 32 bits), exact for all inputs. */
function mulU32(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

export class RandomState {
  /** MT19937 state words (uint32). */
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /**
   * Seed like `numpy.random.RandomState(seed)` with an integer in [0, 2³²).
   * @example new RandomState(42).randomSample() === 0.3745401188473625
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState: seed (${seed}) must be an integer between 0 and 2**32 - 1`);
    }
    this.seedInt(seed);
  }

  /** Seed like `RandomState(np.array(key, dtype=uint32))` (MT19937 init_by_array). */
  static fromArray(key: ArrayLike<number>): RandomState {
    const rs = new RandomState(0);
    rs.seedArray(key);
    return rs;
  }

  /** Re-seed in place, as `RandomState(seed)` would (no allocation). */
  reseed(seed: number): this {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState: seed (${seed}) must be an integer between 0 and 2**32 - 1`);
    }
    this.seedInt(seed);
    return this;
  }

  private seedInt(seed: number): void {
    const mt = this.mt;
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      mt[i] = s;
      s = (mulU32(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  private seedArray(key: ArrayLike<number>): void {
    const mt = this.mt;
    this.seedInt(19650218);
    let i = 1;
    let j = 0;
    const len = key.length;
    for (let k = Math.max(N, len); k > 0; k--) {
      const prev = mt[i - 1]!;
      const x = mulU32((prev ^ (prev >>> 30)) >>> 0, 1664525);
      mt[i] = (((mt[i]! ^ x) >>> 0) + (key[j]! >>> 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      const x = mulU32((prev ^ (prev >>> 30)) >>> 0, 1566083941);
      mt[i] = (((mt[i]! ^ x) >>> 0) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
    this.hasGauss = false;
  }

  private generate(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = (mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = (mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = (mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    this.pos = 0;
  }

  /** Next tempered 32-bit word (numpy `next_uint32`). */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: uniform double in [0, 1) with 53 random bits. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** `standard_normal()` (legacy gauss: polar Box–Muller, second value cached). */
  standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.randomSample() - 1.0;
      x2 = 2.0 * this.randomSample() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * logCorrectlyRounded(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * `randn(n)`: n standard normals in float64, in stream order (a `randn(r, c)` matrix is the
   * same sequence read row-major). Writes into `out` when given (length ≥ n).
   */
  randn(n: number, out?: Float64Array): Float64Array {
    const res = out ?? new Float64Array(n);
    for (let i = 0; i < n; i++) res[i] = this.standardNormal();
    return res;
  }

  /**
   * `choice(len(p), p=p)` with the legacy algorithm: one uniform double, first index whose
   * normalised cumulative probability exceeds it. Throws a RangeError when p is empty,
   * has a negative or non-finite entry, or does not sum to a positive value.
   * @example new RandomState(0).choice([0.5, 0.5]) === 1  // uniform 0.5488… > 0.5
   */
  choice(p: ArrayLike<number>): number {
    return this.choiceIn(p, 0, p.length);
  }

  /** `choice` over the n entries p[offset … offset+n) (a row of a matrix), allocation-free. */
  choiceIn(p: ArrayLike<number>, offset: number, n: number): number {
    if (n <= 0) throw new RangeError('choice: p must be non-empty');
    let total = 0;
    for (let i = offset; i < offset + n; i++) {
      const v = p[i]!;
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`choice: probabilities must be finite and non-negative (p[${i - offset}] = ${v})`);
      total += v; // sequential float64 cumsum, as numpy's cumsum
    }
    if (!(total > 0)) throw new RangeError('choice: probabilities sum to zero');
    const u = this.randomSample();
    // searchsorted(cdf / cdf[-1], u, side='right'): first i with cdf[i] / total > u.
    let cum = 0;
    for (let i = 0; i < n; i++) {
      cum += p[offset + i]!;
      if (cum / total > u) return i;
    }
    return n - 1; // unreachable for u < 1 (cdf[-1] / total === 1); kept for safety
  }

  /**
   * Uniform integer in [0, max] by masked rejection sampling (numpy `random_interval`,
   * max < 2³²).
   */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max >>> 0;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** `randint(low, high)`: integer in [low, high), for high − low ≤ 2³². */
  randint(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low || high - low > 0x100000000) {
      throw new RangeError(`randint: need integers low < high with high - low <= 2**32 (got ${low}, ${high})`);
    }
    const rng = high - low - 1;
    if (rng === 0xffffffff) return low + this.nextUint32();
    return low + this.interval(rng);
  }

  /** `shuffle(x)` in place, the legacy 1-D algorithm (from the end, j = interval(i)). */
  shuffle(x: { length: number; [i: number]: number }): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t;
    }
  }

  /** `permutation(n)`: a shuffled arange(n). */
  permutation(n: number): Int32Array {
    const x = new Int32Array(n);
    for (let i = 0; i < n; i++) x[i] = i;
    this.shuffle(x);
    return x;
  }
}

// ---------------------------------------------------------------------------------------------
// Correctly rounded natural logarithm. numpy's legacy gauss calls the C library's log(); glibc's
// log is (almost always) correctly rounded, V8's Math.log is not (≈3 % of results differ by one
// ulp). Computing log in double-double (≈100 bits) and rounding once reproduces glibc's doubles.
// Method: x = m·2^e with m in [√½, √2); log x = e·ln2 + 2·atanh(t), t = (m − 1)/(m + 1), |t| ≤ 0.172,
// atanh(t) = t + t³/3 + t⁵/5 + …. Double-double primitives after Dekker / Shewchuk.
//
// Two ways to sum the series (issue 15: the random-weights mode draws ≈ 20,000 normals before
// the first frame, and the full series cost ≈ 2 µs a log):
// - logSeries: every term in double-double, to 2^-106. Exact enough to round once, always.
// - logCorrectlyRounded: t + t³/3 in double-double and the rest (≤ 2^-12.4·|t|) in plain doubles,
//   so the sum is within |t|·2^-58.3 of log x (see TAIL_ERROR). Where that sum is farther than its
//   error bound from every rounding midpoint, both ways round to the same double; only where it is
//   not (a few per cent of arguments) does it fall back to logSeries. Tested against logSeries.

const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const SPLITTER = 134217729; // 2^27 + 1
const LOG_VIEW = new DataView(new ArrayBuffer(8));

// The helpers' results (hi, lo) go to a scratch array, not to module-level variables: a number
// stored in a variable a closure shares is a heap object, so each store would allocate (in code
// V8 has not optimised yet, ≈ half of a cold start's time went to collecting them).
const R = new Float64Array(2);

/** (R[0], R[1]) = exact a·b. */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  R[0] = p;
  R[1] = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** (R[0], R[1]) = (ah, al) · (bh, bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const lo = R[1]! + (ah * bl + al * bh);
  const s = R[0]! + lo;
  R[1] = lo - (s - R[0]!);
  R[0] = s;
}

/** (R[0], R[1]) = (ah, al) + (bh, bl). */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  let s = ah + bh;
  let bb = s - ah;
  let e = ah - (s - bb) + (bh - bb);
  const t = al + bl;
  bb = t - al;
  const f = al - (t - bb) + (bl - bb);
  e += t;
  const h = s + e;
  e = e - (h - s);
  e += f;
  s = h + e;
  R[1] = e - (s - h);
  R[0] = s;
}

/** (R[0], R[1]) = (ah, al) / (bh, bl), three-term long division. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  ddMul(q1, 0, bh, bl);
  ddAdd(ah, al, -R[0]!, -R[1]!);
  const q2 = R[0]! / bh;
  const r1h = R[0]!;
  const r1l = R[1]!;
  ddMul(q2, 0, bh, bl);
  ddAdd(r1h, r1l, -R[0]!, -R[1]!);
  const q3 = R[0]! / bh;
  const s = q1 + q2;
  const e = q2 - (s - q1);
  ddAdd(s, e, q3, 0);
}

/** The reduced argument of the last reduceLog: t and t², each as double-double (hi, lo). */
const T = new Float64Array(4);

/**
 * x = m·2^e with m in [√½, √2) (x positive, finite): returns e, and leaves t = (m − 1)/(m + 1)
 * in T[0], T[1] and t² in T[2], T[3] (m − 1 is exact by Sterbenz, m + 1 an exact two-sum).
 */
function reduceLog(x: number): number {
  LOG_VIEW.setFloat64(0, x);
  let hiWord = LOG_VIEW.getUint32(0);
  let e = ((hiWord >>> 20) & 0x7ff) - 1023;
  if (e === -1023) {
    // subnormal: scale up by 2^54 first
    LOG_VIEW.setFloat64(0, x * 18014398509481984);
    hiWord = LOG_VIEW.getUint32(0);
    e = ((hiWord >>> 20) & 0x7ff) - 1023 - 54;
  }
  LOG_VIEW.setUint32(0, (hiWord & 0x800fffff) | 0x3ff00000);
  let m = LOG_VIEW.getFloat64(0); // [1, 2)
  if (m > Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const den = m + 1;
  const bv = den - m;
  const denLo = m - (den - bv) + (1 - bv);
  ddDiv(m - 1, 0, den, denLo);
  T[0] = R[0]!;
  T[1] = R[1]!;
  ddMul(T[0], T[1], T[0], T[1]);
  T[2] = R[0]!;
  T[3] = R[1]!;
  return e;
}

/** Natural log of a positive finite double, every series term in double-double: correctly rounded (up to 2^-106). */
export function logSeries(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  const e = reduceLog(x);
  const th = T[0]!, tl = T[1]!, t2h = T[2]!, t2l = T[3]!;
  let sh = th;
  let sl = tl;
  let ph = th;
  let pl = tl;
  for (let k = 3; k <= 45; k += 2) {
    ddMul(ph, pl, t2h, t2l);
    ph = R[0]!;
    pl = R[1]!;
    if (Math.abs(ph) < 1e-34 * Math.abs(sh)) break;
    ddDiv(ph, pl, k, 0);
    ddAdd(sh, sl, R[0]!, R[1]!);
    sh = R[0]!;
    sl = R[1]!;
  }
  // 2·atanh(t) + e·ln2
  ddMul(e, 0, LN2_HI, LN2_LO);
  ddAdd(R[0]!, R[1]!, 2 * sh, 2 * sl);
  return R[0]! + R[1]!;
}

/** 1/(2k + 1) for k = 2 … 11: the series terms after t³/3 that matter at |t| ≤ 0.172 (the next is < 2^-65·|t|). */
const TAIL_COEFFS = Array.from({ length: 10 }, (_, i) => 1 / (2 * (i + 2) + 1));
/**
 * Bound on |sum − log x| / |t| of logCorrectlyRounded's sum: the plain-double tail is ≤ 2^-12.44·|t|
 * with a relative error ≤ 64 unit roundoffs (2^-47), doubled, plus the truncation (2^-65); 2^-57
 * leaves a factor of 2.5 to spare.
 */
const TAIL_ERROR = 2 ** -57;
/** Bound on the double-double parts' error relative to the result, with room for logSeries' own. */
const DD_ERROR = 2 ** -96;

/**
 * Natural log of a positive finite double, correctly rounded: the same double as logSeries in
 * ≈ 40 % of its time once optimised (see above).
 * @example logCorrectlyRounded(0.5) === -0.6931471805599453 // → true
 */
export function logCorrectlyRounded(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  const e = reduceLog(x);
  const th = T[0]!, tl = T[1]!, t2 = T[2]!;
  ddMul(t2, T[3]!, th, tl);
  ddDiv(R[0]!, R[1]!, 3, 0);
  ddAdd(th, tl, R[0]!, R[1]!);
  const sh = R[0]!;
  const sl = R[1]!;
  let p = TAIL_COEFFS[TAIL_COEFFS.length - 1]!;
  for (let i = TAIL_COEFFS.length - 2; i >= 0; i--) p = p * t2 + TAIL_COEFFS[i]!;
  ddAdd(sh, sl, th * t2 * t2 * p, 0);
  const ah = R[0]!;
  const al = R[1]!;
  ddMul(e, 0, LN2_HI, LN2_LO);
  ddAdd(R[0]!, R[1]!, 2 * ah, 2 * al);
  // The sum is (hi, lo) = (R[0], R[1]), |lo| ≤ half an ulp of hi. It rounds like log x when log x
  // is certainly on hi's side of both midpoints hi ± ulp/2 (a power of two has a nearer one below:
  // fall back).
  LOG_VIEW.setFloat64(0, R[0]!);
  const hi = LOG_VIEW.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  if (biased !== 0 && ((hi & 0xfffff) !== 0 || LOG_VIEW.getUint32(4) !== 0)) {
    const halfUlp = 2 ** (biased - 1076);
    if (Math.abs(R[1]!) + Math.abs(th) * TAIL_ERROR + Math.abs(R[0]!) * DD_ERROR < halfUlp) return R[0]!;
  }
  return logSeries(x);
}
