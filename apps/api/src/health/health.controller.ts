import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { Readiness } from './readiness';

/**
 * Liveness (`/health/live`: this process answers) and readiness (`/health`, `/health/ready`:
 * PostgreSQL and Kafka answer, and every service beats, consumes, publishes its outbox and has
 * no dead letter), each component with its status and, when down, the reason.
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly readiness: Readiness,
  ) {}

  @Get('live')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: 200 whenever the API process answers (it depends on nothing else)' })
  live() {
    return this.health.check([]);
  }

  @Get(['', 'ready'])
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: 200 when PostgreSQL and Kafka answer and every service has a fresh heartbeat, running consumers, no outbox message older than the limit and no dead letter; 503 otherwise, each component with its status and reason',
  })
  async ready(@Res({ passthrough: true }) res: Response) {
    const { components } = await this.readiness.check();
    try {
      return await this.health.check(
        Object.entries(components).map(
          ([name, c]) =>
            () =>
              c.up ? this.indicator.check(name).up(c.details) : this.indicator.check(name).down(c.details),
        ),
      );
    } catch (error) {
      // Terminus says 503 with the report as an exception; answer the report itself (the
      // app's error filter would reduce it to the one error shape and lose the components).
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse();
    }
  }
}
