import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioToJson } from '@barplane/domain';
import { readScenario } from './read-scenario';

describe('scenarioToJson', () => {
  it('round-trips every example and demo host through the wire form exactly', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const files = [
      ...['power9-powernv', 'power8-powernv', 'x86-kvm', 'arm64-altra-4k'].map((f) => join(root, 'demo', `${f}.json`)),
      join(root, 'test', 'fixtures', 'examples', '08-09-82599-io-and-msix-bar.json'),
    ];
    for (const file of files) {
      const first = readScenario(readFileSync(file, 'utf8'));
      if (!first.ok) throw new Error(`${file}: ${JSON.stringify(first.problems)}`);
      const wire = JSON.stringify(scenarioToJson(first.scenario));
      const second = readScenario(wire);
      expect(second.ok && second.scenario).toEqual(first.scenario);
      expect(wire).not.toMatch(/"(address|size|pageSize)":\d/);
    }
  });

  it('writes 0xfffffffffffff000 as that string', () => {
    const top = { index: 0, kind: 'mem64', address: '0xfffffffffffff000', size: '0x1000' };
    const pes = [{ id: 'p', functions: [{ bdf: '0000:01:00.0', bars: [top] }] }];
    const read = readScenario(JSON.stringify({ host: { id: 'h', platform: 'arm64', pageSize: '0x10000' }, pes }));
    expect(read.ok && JSON.stringify(scenarioToJson(read.scenario))).toContain('"address":"0xfffffffffffff000"');
  });
});
