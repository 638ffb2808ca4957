import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { PAGE_SIZES, parseU64, Platform, PLATFORMS, toHex } from '@barplane/domain';
import { ImportInputError } from '../imported';

/** Checks a `--platform` value. */
export function parsePlatform(text: string): Platform {
  if ((PLATFORMS as readonly string[]).includes(text)) return text as Platform;
  throw new ImportInputError(`--platform "${text}" is not one of ${PLATFORMS.join(', ')}`);
}

/** Checks a `--page-size` value ("0x10000", "65536"). */
export function parsePageSize(text: string): bigint {
  const value = parseU64(text.trim());
  if (value === undefined || !(PAGE_SIZES as readonly bigint[]).includes(value)) {
    throw new ImportInputError(`page size "${text}" is not one of ${PAGE_SIZES.map(toHex).join(', ')}`);
  }
  return value;
}

/**
 * The platform from the CPU architecture and, on ppc64, the platform line of /proc/cpuinfo
 * ("PowerNV" on bare metal, "pSeries" in an LPAR or KVM guest; device tree as a fallback).
 */
export function platformFromMachine(arch: string, cpuinfo: string | undefined, hasPartitionName: boolean): Platform {
  switch (arch) {
    case 'x64':
      return 'x86_64';
    case 'arm64':
      return 'arm64';
    case 'ppc64': {
      const m = /^platform\s*:\s*(\S+)/im.exec(cpuinfo ?? '');
      if (m) return /pseries/i.test(m[1]) ? 'pseries' : 'powernv';
      return hasPartitionName ? 'pseries' : 'powernv';
    }
    default:
      throw new ImportInputError(`cannot tell the platform of a ${arch} machine: give --platform`);
  }
}

/** The running machine's platform. */
export function livePlatform(): Platform {
  let cpuinfo: string | undefined;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    cpuinfo = undefined;
  }
  return platformFromMachine(process.arch, cpuinfo, existsSync('/proc/device-tree/ibm,partition-name'));
}

/** The running machine's page size (`getconf PAGESIZE`: Node has no API for it). */
export function livePageSize(): bigint {
  let out: string;
  try {
    out = execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new ImportInputError(
      `cannot read this machine's page size (getconf PAGESIZE: ${(error as Error).message}): give --page-size`,
    );
  }
  return parsePageSize(out.trim());
}

export function liveHostId(): string {
  return hostname();
}
