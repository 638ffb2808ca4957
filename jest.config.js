// Three tiers (and the fault run's checks, below): `unit` (no I/O, *.spec.ts), `int` (real Kafka + PostgreSQL,
// *.int-spec.ts) and
// `e2e` (the apps over HTTP against the real broker and database, *.e2e-spec.ts).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const shared = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@barplane/(domain|contracts|messaging|eventstore|owner-service|importers|conformance|read-models)$':
      '<rootDir>/libs/$1/src',
    '^@barplane/(domain|contracts|messaging|eventstore|owner-service|importers|conformance|read-models)/(.*)$':
      '<rootDir>/libs/$1/src/$2',
  },
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'] },
    // The checks after a fault run: only `npm run test:faults` (scripts/faults.mjs) selects it.
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'] },
  ],
};
