import { runCli } from '../testing/cli-test-kit';

// The rebuild's collaborators, faked: replay's own decisions (refuse while the live projector
// runs, a missing schema, the rate) are what is under test, not Kafka or PostgreSQL.
const members: string[] = [];
const schemas: object[] = [];
jest.mock('@barplane/messaging', () => ({
  kafkaFromEnv: () => ({
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      describeGroups: async () => ({ groups: [{ members }] }),
    }),
  }),
}));
jest.mock('@barplane/eventstore', () => ({
  createDataSource: () => ({
    initialize: async () => undefined,
    destroy: async () => undefined,
    query: async () => schemas,
  }),
}));
jest.mock('@barplane/read-models', () => ({
  readModelNames: (ns: string) => ({ group: `${ns}projector`, schema: `${ns}projector` }),
  rebuildProjector: async () => ({ applied: 42, total: 42 }),
}));

describe('barplane replay', () => {
  beforeEach(() => {
    members.length = 0;
    schemas.length = 0;
  });

  it('rebuilds and says how many events at what rate (exit 0)', async () => {
    schemas.push({ found: 1 });
    const run = await runCli(['replay', '--format', 'json'], {}, { BARPLANE_NAMESPACE: 't1.' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ namespace: 't1.', applied: 42, total: 42 });
  });

  it('refuses while the live projector runs (exit 4)', async () => {
    members.push('projector-1');
    const run = await runCli(['replay']);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('the live projector is running');
  });

  it('names a namespace without a projector schema (exit 3)', async () => {
    const run = await runCli(['replay'], {}, { BARPLANE_NAMESPACE: 'nobody.' });
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('no projector schema "nobody.projector"');
  });

  it('says what each exit status means for it in --help', async () => {
    const run = await runCli(['replay', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  4  conflict: the live projector is still running');
  });
});
