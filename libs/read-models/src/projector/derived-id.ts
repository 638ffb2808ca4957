import { sha256Hex } from '@barplane/domain';

/** A UUID-shaped id derived from text, so that what is derived twice is named alike. */
export function derivedId(text: string): string {
  const h = sha256Hex(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
