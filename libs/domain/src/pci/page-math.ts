/** Page and power-of-two arithmetic on bigint; `align` is always a power of two. */

export function isPowerOfTwo(value: bigint): boolean {
  return value > 0n && (value & (value - 1n)) === 0n;
}

export function alignDown(value: bigint, align: bigint): bigint {
  return value & ~(align - 1n);
}

export function alignUp(value: bigint, align: bigint): bigint {
  return (value + align - 1n) & ~(align - 1n);
}

/** Smallest power of two >= value (value > 0). */
export function pow2Ceil(value: bigint): bigint {
  let p = 1n;
  while (p < value) p <<= 1n;
  return p;
}

/** log2 of a power of two. */
export function log2(value: bigint): number {
  return value.toString(2).length - 1;
}

export function ceilDiv(value: bigint, divisor: bigint): bigint {
  return (value + divisor - 1n) / divisor;
}
