import { idProblem, MAX_ID_LENGTH } from './identifier';

describe('idProblem', () => {
  it('accepts the ids barplane uses', () => {
    for (const id of [
      'p9-rack3-07',
      '0004:01',
      'iommu-12',
      'vm-42',
      'hôte-été',
      '5de35fb2-8702-48ed-99dc-7551acb5a758',
      'x'.repeat(MAX_ID_LENGTH),
    ]) {
      expect(idProblem(id)).toBeUndefined();
    }
  });

  it('names what is wrong: empty, too long, a control character, a lone surrogate', () => {
    expect(idProblem('')).toBe('must not be empty');
    expect(idProblem('  ')).toBe('must not be blank');
    expect(idProblem('k'.repeat(6000))).toBe('is 6000 characters long; at most 256');
    expect(idProblem('a\u0000b')).toBe('holds the control character U+0000 at 1');
    expect(idProblem('tab\there')).toBe('holds the control character U+0009 at 3');
    expect(idProblem('a\ud800b')).toBe('is not well-formed Unicode (a lone surrogate)');
  });
});
