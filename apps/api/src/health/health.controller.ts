import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { MessagingClient } from '@barplane/messaging';
import { KAFKA_CLIENT } from '../commands/command-gateway';
import { Public } from '../auth/roles.decorator';

/** Liveness of what the API depends on: PostgreSQL (read models) and Kafka (commands). */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: MessagingClient,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([() => this.database(), () => this.broker()]);
  }

  private async database() {
    const check = this.indicator.check('database');
    try {
      await this.db.query('SELECT 1');
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async broker() {
    const check = this.indicator.check('kafka');
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return check.up({ brokers: cluster.brokers.length });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
