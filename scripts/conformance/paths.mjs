// Where the lab keeps what it fetches and what it finds.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Fetched once, reused by every run: apt state, .deb files, unpacked packages, built probes. */
export const LAB_CACHE = join(ROOT, '.cache', 'conformance');
/** One run's console transcripts, captures and results (replaced by the next run). */
export const LAB_RUN = join(ROOT, '.run', 'conformance');
export const GUEST_DIR = join(dirname(fileURLToPath(import.meta.url)), 'guest');
