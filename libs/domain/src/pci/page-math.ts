/** Page and power-of-two arithmetic on bigint; `align` is always a power of two. */

export function isPowerOfTwo(value: bigint): boolean {
  return value > 0n && (value & (value - 1n)) === 0n;
}

/**
 * Whether `value` is a multiple of `align`, as `value % align === 0n` but without allocating:
 * the masked value is below 2^64, so `asUintN(64, ...)` changes nothing, and it lets V8 do
 * the whole test in machine words (the engine asks it of every BAR and guest BAR).
 */
export function isAligned(value: bigint, align: bigint): boolean {
  return BigInt.asUintN(64, value & (align - 1n)) === 0n;
}

// Both return an aligned value as it is: most values are, and the test allocates nothing.
export function alignDown(value: bigint, align: bigint): bigint {
  return isAligned(value, align) ? value : value & ~(align - 1n);
}

export function alignUp(value: bigint, align: bigint): bigint {
  return isAligned(value, align) ? value : (value + align - 1n) & ~(align - 1n);
}

/** Smallest power of two >= value (value > 0). */
export function pow2Ceil(value: bigint): bigint {
  if (isPowerOfTwo(value)) return value; // the common case (a page), without the doublings
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
