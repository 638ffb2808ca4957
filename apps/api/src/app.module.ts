import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka, logLevel } from 'kafkajs';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { API_CONFIG, ApiConfig } from './api-config';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { TokenRegistry } from './auth/token-registry';
import { ErrorFilter } from './errors/error.filter';
import { HealthController } from './health/health.controller';
import { DatabaseCloser } from './http/database-closer';
import { ExactJsonMiddleware } from './http/exact-json.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { registryProvider } from './metrics/registry.provider';
import { PlansController } from './plans/plans.controller';

/** The API: thin controllers over libs; configuration comes in as a value so tests can set it. */
@Module({})
export class AppModule implements NestModule {
  static with(config: ApiConfig, tokens: TokenRegistry) {
    return {
      module: AppModule,
      imports: [
        TerminusModule,
        LoggerModule.forRoot({ pinoHttp: { level: process.env.LOG_LEVEL ?? 'info', autoLogging: process.env.NODE_ENV !== 'test' } }),
      ],
      controllers: [PlansController, HealthController, MetricsController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: TokenRegistry, useValue: tokens },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        registryProvider,
        DatabaseCloser,
        {
          provide: DataSource,
          useFactory: async () => new DataSource({ type: 'postgres', url: config.databaseUrl, extra: { max: 5, connectionTimeoutMillis: 2000 } }).initialize(),
        },
        { provide: Kafka, useFactory: () => new Kafka({ clientId: 'barplane-api', brokers: config.kafkaBrokers.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { retries: 1 } }) },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ExactJsonMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
