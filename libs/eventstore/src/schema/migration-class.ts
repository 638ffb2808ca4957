import type { MigrationInterface } from 'typeorm';

/** What TypeORM's `migrations` option accepts: a class it instantiates with no arguments. */
export type MigrationClass = new () => MigrationInterface;
