// The synthetic fleet of the pipeline benchmark (scripts/bench/pipeline.mjs): small POWER
// hosts (64K pages) with two PEs of one function each and one VM holding both PEs, and the
// command envelopes that build it and then flip a guest BAR between a page-aligned and an
// unaligned guest address (each flip: one GuestBarProgrammed event, one changed decision).
import { randomUUID } from 'node:crypto';

export const FLIP_BDF = '0000:01:00.0';
export const ALIGNED = '0x80010000'; // 64K aligned: the 4K BAR can be mapped (fast path)
export const UNALIGNED = '0x80011000'; // inside a 64K page, not at its start: GUEST_SUBPAGE_UNALIGNED

export const hostIdOf = (i) => `bph${String(i).padStart(4, '0')}`;
export const vmIdOf = (i) => `vm-${hostIdOf(i)}`;

export function hostFacts(i) {
  return { id: hostIdOf(i), platform: 'powernv', pageSize: '0x10000' };
}

export function topology() {
  return [
    {
      id: '0000:01',
      functions: [{ bdf: FLIP_BDF, bars: [{ index: 0, kind: 'mem32', address: '0x3fe080010000', size: '0x1000' }] }],
    },
    {
      id: '0000:02',
      functions: [
        { bdf: '0000:02:00.0', bars: [{ index: 0, kind: 'mem64', address: '0x3fe080020000', size: '0x10000' }] },
      ],
    },
  ];
}

/** A command envelope as the API sends it (docs/control-plane.md). */
export function command(type, hostId, data, principal = 'operator:bench') {
  const id = randomUUID();
  return { id, type, schemaVersion: 1, hostId, correlationId: id, principal, data };
}

/** Kafka messages for `envelopes` on `topic`, keyed by host. */
export const messagesOf = (envelopes) => envelopes.map((e) => ({ key: e.hostId, value: JSON.stringify(e) }));

/** The commands that register host i, import its topology, create its VM and give it both PEs. */
export function setupCommands(i) {
  const hostId = hostIdOf(i);
  return {
    pe: [
      command('RegisterHost', hostId, { host: hostFacts(i) }),
      command('ImportTopology', hostId, { pes: topology() }),
    ],
    guest: [
      command('CreateVm', hostId, { vmId: vmIdOf(i), machine: 'pseries' }),
      command('AssignPe', hostId, { vmId: vmIdOf(i), peId: '0000:01' }),
      command('AssignPe', hostId, { vmId: vmIdOf(i), peId: '0000:02' }),
    ],
  };
}

export const flipAddress = (n) => (n % 2 === 0 ? ALIGNED : UNALIGNED);

export function programGuestBar(i, address) {
  return command('ProgramGuestBar', hostIdOf(i), { vmId: vmIdOf(i), bdf: FLIP_BDF, index: 0, address });
}

/**
 * A larger host for the fleet-scale benchmark: `functions` functions in PEs of five, each with
 * a 64K mem64 BAR, a 4K mem32 BAR (below the page size: the interesting case) and a 16K mem64 BAR.
 */
export function wideTopology(functions) {
  const pes = [];
  for (let f = 0; f < functions; f++) {
    const p = Math.floor(f / 5);
    const bus = (p + 1).toString(16).padStart(2, '0');
    if (f % 5 === 0) pes.push({ id: `0000:${bus}`, functions: [] });
    const base = 0x3fe0_8000_0000n + BigInt(p) * 0x100_0000n + BigInt(f % 5) * 0x10_0000n;
    const hex = (n) => `0x${n.toString(16)}`;
    pes[p].functions.push({
      bdf: `0000:${bus}:00.${f % 5}`,
      bars: [
        { index: 0, kind: 'mem64', address: hex(base), size: '0x10000' },
        { index: 2, kind: 'mem32', address: hex(base + 0x1_0000n), size: '0x1000' },
        { index: 4, kind: 'mem64', address: hex(base + 0x2_0000n), size: '0x4000' },
      ],
    });
  }
  return pes;
}

/** Host i of the fleet benchmark: registered, its wide topology, one VM holding every other PE. */
export function wideHostCommands(i, functions) {
  const hostId = hostIdOf(i);
  const pes = wideTopology(functions);
  return {
    pe: [command('RegisterHost', hostId, { host: hostFacts(i) }), command('ImportTopology', hostId, { pes })],
    guest: [
      command('CreateVm', hostId, { vmId: vmIdOf(i), machine: 'pseries' }),
      ...pes.filter((_, p) => p % 2 === 0).map((pe) => command('AssignPe', hostId, { vmId: vmIdOf(i), peId: pe.id })),
    ],
  };
}
