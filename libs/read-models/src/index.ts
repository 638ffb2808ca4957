// The projector's read models, each with its tables (schema/), writer and queries; the
// projector writes them (BatchProjector), the API reads them, `barplane replay` rebuilds them.
export * from './read-model-names';
export * from './sql/read-query';
export * from './schema/projector-tables.migration';
export * from './host-projections/host-projections.queries';
export * from './host-summaries/host-summary';
export * from './host-summaries/coverage-json';
export * from './host-summaries/host-summaries.queries';
export * from './host-summaries/host-summaries.backfill';
export * from './decisions/decisions.queries';
export * from './audit/audit.queries';
export * from './command-status/command-status.queries';
export * from './vm-directory/vm-directory.queries';
export * from './vm-directory/vm-directory.migration';
export * from './projector/source';
export * from './projector/batch-projector';
export * from './projector/rebuild';
