import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { API_CONFIG, ApiConfig } from './api-config';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { TokenRegistry } from './auth/token-registry';
import { ErrorFilter } from './errors/error.filter';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { ServiceHeartbeats } from './health/service-heartbeats';
import { DatabaseCloser } from './http/database-closer';
import { ExactJsonMiddleware } from './http/exact-json.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { registryProvider } from './metrics/registry.provider';
import { PlansController } from './plans/plans.controller';
import { AuditController } from './audit/audit.controller';
import { CommandAnswersListener } from './commands/command-answers.listener';
import { CommandGateway, KAFKA_CLIENT } from './commands/command-gateway';
import { CommandsController } from './commands/commands.controller';
import { HostsController } from './commands/hosts.controller';
import { IdempotencyKeys } from './commands/idempotency';
import { SentCommands } from './commands/sent-commands';
import { VmsController } from './commands/vms.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { DecisionStream } from './decisions/decision-stream';
import { DecisionsController } from './decisions/decisions.controller';
import { FleetController } from './fleet/fleet.controller';
import { HostViews } from './fleet/host-views';
import { SummaryChanges } from './read-models/summary-changes';
import { DecisionMetrics } from './metrics/decision-metrics';
import { HealthMetrics } from './metrics/health-metrics';
import { ReadModels } from './read-models/read-models';
import { MeController } from './me/me.controller';
import { kafkaFromEnv } from '@barplane/messaging';

/** The API: thin controllers over libs; configuration comes in as a value so tests can set it. */
@Module({})
export class AppModule implements NestModule {
  static with(config: ApiConfig, tokens: TokenRegistry) {
    const requestLogging =
      process.env.NODE_ENV !== 'test' && ['trace', 'debug', 'info'].includes(process.env.LOG_LEVEL ?? 'info');
    return {
      module: AppModule,
      imports: [
        // The readiness check logs when it changes (health/readiness.ts), not at every 503.
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({
          // Request lines are info: below that level (and in tests) the per-request middleware
          // is not installed at all (it cost ~10 % of the API's CPU under load); errors are
          // still logged, without the request's context.
          ...(requestLogging ? {} : { forRoutes: [] }),
          pinoHttp: {
            level: process.env.LOG_LEVEL ?? 'info',
            autoLogging: requestLogging,
            // One short line per request; never the Authorization header.
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ status: res.statusCode }),
            },
            redact: ['req.headers.authorization'],
          },
        }),
      ],
      controllers: [
        MeController,
        PlansController,
        HealthController,
        MetricsController,
        HostsController,
        VmsController,
        CommandsController,
        FleetController,
        DecisionsController,
        AuditController,
        DashboardController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: TokenRegistry, useValue: tokens },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        registryProvider,
        DatabaseCloser,
        {
          provide: DataSource,
          useFactory: async () =>
            new DataSource({
              type: 'postgres',
              url: config.databaseUrl,
              extra: { max: Number(process.env.BARPLANE_API_DB_POOL ?? 20), connectionTimeoutMillis: 2000 },
            }).initialize(),
        },
        {
          provide: KAFKA_CLIENT,
          useFactory: () => kafkaFromEnv('barplane-api', { brokers: config.kafkaBrokers.split(',') }),
        },
        ReadModels,
        SummaryChanges,
        HostViews,
        IdempotencyKeys,
        SentCommands,
        CommandAnswersListener,
        CommandGateway,
        DecisionStream,
        DecisionMetrics,
        ServiceHeartbeats,
        Readiness,
        HealthMetrics,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ExactJsonMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
