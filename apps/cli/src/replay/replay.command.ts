import {
  DEFAULT_DATABASE_URL,
  databaseUrlFromEnv,
  namespaceFromEnv,
} from '@barplane/eventstore/data-source/database-url';
import { DEFAULT_KAFKA_BROKERS } from '@barplane/messaging/brokers';
import { Command } from 'commander';
import { EXIT_STATUS, ExitStatus } from '@barplane/contracts';
import { CliFailure } from '../api/api-client';
import { exitStatusHelp } from '../api/exit-status';
import { Io, OutputFormat, STDIO, formatOption, json, runCommand } from '../format/output';

export interface ReplayResult {
  namespace: string;
  applied: number;
  total: number;
  seconds: number;
  eventsPerSecond: number;
}

interface ReplayEnv {
  databaseUrl: string;
  kafkaBrokers: string;
  namespace: string;
}

export function replayEnv(env: NodeJS.ProcessEnv = process.env): ReplayEnv {
  return {
    databaseUrl: databaseUrlFromEnv(env),
    kafkaBrokers: env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS,
    namespace: namespaceFromEnv(env),
  };
}

/** Rebuilds the projector's read models from the topics, with a progress bar on a terminal. */
export async function runReplay(
  opts: { format: OutputFormat },
  io: Io = STDIO,
  env: ReplayEnv = replayEnv(),
): Promise<ExitStatus> {
  // Loaded here, not at start-up: the other commands need neither typeorm nor kafkajs.
  const [{ rebuildProjector, readModelNames }, { createDataSource }, { kafkaFromEnv }, cliProgress] = await Promise.all(
    [
      import('@barplane/read-models'),
      import('@barplane/eventstore'),
      import('@barplane/messaging'),
      import('cli-progress'),
    ],
  );
  const names = readModelNames(env.namespace);
  const kafka = kafkaFromEnv(`${names.group}replay`, { brokers: env.kafkaBrokers.split(',') });
  await refuseWhileLive(kafka, names.group);
  const db = createDataSource({
    url: env.databaseUrl,
    schema: names.schema,
    applicationName: `${names.group}replay`,
    poolSize: 2,
  });
  try {
    await db.initialize();
  } catch (error) {
    throw new CliFailure(`cannot reach PostgreSQL at DATABASE_URL: ${(error as Error).message}`, EXIT_STATUS.failure);
  }
  try {
    const found = await db.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [names.schema]);
    if (found.length === 0)
      throw new CliFailure(
        `no projector schema "${names.schema}" in the database: is BARPLANE_NAMESPACE ("${env.namespace}") right, and has the projector ever run?`,
        EXIT_STATUS.notFound,
      );
    const tty = opts.format === 'table' && (io.out as NodeJS.WriteStream).isTTY === true;
    const bar = tty
      ? new cliProgress.SingleBar(
          {
            stream: io.out as NodeJS.WriteStream,
            format: 'replay [{bar}] {value}/{total} messages | {rate} messages/s | {duration_formatted}',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    if (tty) io.out.write('reading the topics...\n');
    const started = process.hrtime.bigint();
    let barStarted = false;
    const rate = (n: number) => {
      const s = Number(process.hrtime.bigint() - started) / 1e9;
      return s > 0 ? Math.round(n / s) : 0;
    };
    const result = await rebuildProjector(db, kafka, env.namespace, (p) => {
      if (!bar) return;
      if (!barStarted) {
        bar.start(p.total, 0, { rate: 0 });
        barStarted = true;
      }
      bar.update(p.read, { rate: rate(p.read) });
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (bar && barStarted) bar.stop();
    const out: ReplayResult = {
      namespace: env.namespace,
      applied: result.applied,
      total: result.total,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSecond: seconds > 0 ? Math.round(result.applied / seconds) : 0,
    };
    io.out.write(
      opts.format === 'json'
        ? json(out)
        : `replayed ${out.applied} events into ${names.schema} in ${out.seconds.toFixed(2)} s: ${out.eventsPerSecond} events/s\n`,
    );
    return EXIT_STATUS.ok;
  } finally {
    await db.destroy();
  }
}

/** The live projector's consumer group must be empty: two writers would interleave in the read models. */
async function refuseWhileLive(kafka: import('@barplane/messaging').MessagingClient, group: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new CliFailure(`cannot reach Kafka at KAFKA_BROKERS: ${(error as Error).message}`, EXIT_STATUS.failure);
  }
  try {
    const { groups } = await admin.describeGroups([group]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0)
      throw new CliFailure(
        `the live projector is running (consumer group "${group}" has ${members} member${members === 1 ? '' : 's'}): stop it first`,
        EXIT_STATUS.conflict,
      );
  } finally {
    await admin.disconnect();
  }
}

export function replayCommand(): Command {
  return new Command('replay')
    .description(
      "rebuild the projector's read models: wipe them and replay the owners' event topics (run it where the control plane runs)",
    )
    .addOption(formatOption())
    .addHelpText(
      'after',
      `
Stop the live projector first: replay refuses (exit 4) while its consumer group has members.
Reads DATABASE_URL (default ${DEFAULT_DATABASE_URL}), KAFKA_BROKERS
(default ${DEFAULT_KAFKA_BROKERS}) and BARPLANE_NAMESPACE (default empty) from the environment, not the API.
Shows a progress bar when stdout is a terminal; always ends with the rate in events/s.
Decisions are not published again and the audit hashes come out the same.
${exitStatusHelp({
  1: 'failure: PostgreSQL or Kafka cannot be reached, or the rebuild failed',
  2: 'usage: bad arguments or options',
  3: 'not found: no projector schema for BARPLANE_NAMESPACE',
  4: 'conflict: the live projector is still running',
})}`,
    )
    .action((opts: { format: OutputFormat }) => runCommand('replay', () => runReplay(opts)));
}
