export const MAPPING_MODES = [
  'DIRECT',
  'DIRECT_PAGE_EXPANDED',
  'PARTIAL_DIRECT',
  'EMULATED',
  'PENDING',
  'ABSENT',
  'UNAVAILABLE',
] as const;
export type MappingMode = (typeof MAPPING_MODES)[number];

/** Modes whose BAR holds KVM slots (the fast path, whole or in part). */
export function takesSlots(mode: MappingMode): boolean {
  return mode === 'DIRECT' || mode === 'DIRECT_PAGE_EXPANDED' || mode === 'PARTIAL_DIRECT';
}
