import { commandFromWire } from './command-codec';

describe('commandFromWire', () => {
  it('validates with the DTO and gives the domain command with bigints and canonical BDFs', () => {
    expect(commandFromWire('RelocateBar', { bdf: '1:2:3.4', index: 2, address: '0xfffffffffffff000' })).toEqual({
      ok: true,
      command: { type: 'RelocateBar', data: { bdf: '0001:02:03.4', index: 2, address: 0xfffffffffffff000n } },
    });
    const host = commandFromWire('RegisterHost', { host: { id: 'h', platform: 'x86_64', pageSize: '0x1000' } });
    expect(host.ok && host.command).toMatchObject({
      type: 'RegisterHost',
      data: { host: { kvmMemslots: 32764, pageSize: 0x1000n } },
    });
  });

  it('names every problem under data, and refuses unknown types and fields', () => {
    expect(commandFromWire('ProgramGuestBar', { vmId: '', bdf: 'x', index: 9, address: '-1', extra: 1 })).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { path: 'data.extra', message: 'is not a known field' },
        { path: 'data.vmId', message: 'must not be empty' },
        { path: 'data.bdf', message: expect.stringContaining('is not a BDF') },
        { path: 'data.index', message: 'must not be greater than 6' },
        { path: 'data.address', message: expect.stringContaining('64-bit value') },
      ]),
    });
    expect(commandFromWire('Reboot', {})).toEqual({
      ok: false,
      problems: [{ path: 'type', message: 'unknown command type "Reboot"' }],
    });
  });

  it('accepts AssignPe by PE id or by BDF, and refuses neither', () => {
    expect(commandFromWire('AssignPe', { vmId: 'v', peId: 'p' }).ok).toBe(true);
    expect(commandFromWire('AssignPe', { vmId: 'v', bdf: '0000:01:00.0' }).ok).toBe(true);
    expect(commandFromWire('AssignPe', { vmId: 'v' })).toEqual({
      ok: false,
      problems: [{ path: 'data.peId', message: 'is required unless bdf names one of its functions' }],
    });
  });
});
