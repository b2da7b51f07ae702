/**
 * Matrix: a row-major view over a Float32Array (the one tensor type of the project).
 * Element (r, c) is data[r * cols + c]. Helpers here are out-first and allocation-free, except
 * the explicit constructors. Pure.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols, row-major. May be a view into a larger buffer (parameters, activations). */
  readonly data: Float32Array;
}

/** A new zero matrix. */
export function matrix(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float32Array(rows * cols) };
}

/** A matrix view over `buffer` starting at element `offset` (no copy). */
export function matrixView(buffer: Float32Array, offset: number, rows: number, cols: number): Matrix {
  return { rows, cols, data: buffer.subarray(offset, offset + rows * cols) };
}

/** A new matrix copying `values` (length rows × cols). */
export function matrixFrom(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  if (values.length !== rows * cols) {
    throw new Error(`matrixFrom: ${values.length} values for a ${rows}×${cols} matrix`);
  }
  return { rows, cols, data: Float32Array.from(values) };
}
