import { gzipSync } from 'node:zlib';

/** One file of an initramfs: its path inside (no leading /), mode and contents. */
export interface InitramfsEntry {
  readonly path: string;
  readonly mode: number;
  readonly data?: Buffer;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/**
 * A gzipped cpio archive in the kernel's `newc` format (Documentation/driver-api/early-userspace/
 * buffer-format.rst), so the tests need no cpio binary: entries of directories and regular files.
 */
export function newcInitramfs(entries: readonly InitramfsEntry[]): Buffer {
  const parts: Buffer[] = [];
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const add = (name: string, mode: number, data: Buffer, ino: number) => {
    const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, Buffer.byteLength(name) + 1, 0];
    const header = '070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join('');
    const head = Buffer.from(header + name + '\0', 'latin1');
    parts.push(head, pad(head.length), data, pad(data.length));
  };
  entries.forEach((e, i) => add(e.path, (e.data ? S_IFREG : S_IFDIR) | e.mode, e.data ?? Buffer.alloc(0), i + 1));
  add('TRAILER!!!', 0, Buffer.alloc(0), 0);
  return gzipSync(Buffer.concat(parts), { level: 1 });
}
