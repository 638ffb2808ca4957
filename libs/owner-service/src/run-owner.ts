import { DomainCommand, DomainEvent } from '@barplane/contracts';
import { onShutdown } from '@barplane/messaging';
import { OwnerDefinition } from './owner-definition';
import { OwnerService } from './owner-service';
import { ownerConfigFromEnv } from './owner-service.config';

/**
 * An owner as a plain Node process: config from the environment (DATABASE_URL,
 * KAFKA_BROKERS, BARPLANE_NAMESPACE), graceful stop on SIGTERM/SIGINT, exit 1 if the consumer
 * crashes for good or the start fails.
 */
export function runOwner<C extends DomainCommand, E extends DomainEvent, S>(
  definition: OwnerDefinition<C, E, S>,
): void {
  const config = ownerConfigFromEnv(definition.identity);
  const service = new OwnerService(config, definition as unknown as OwnerDefinition, {
    onCrash: () => void service.stop().finally(() => process.exit(1)),
  });
  onShutdown(['SIGTERM', 'SIGINT'], () => service.stop());
  service
    .start()
    .then(() => {
      const { commandTopic, eventTopic, schema } = service.names;
      console.log(`${config.service} ready: ${commandTopic} -> ${eventTopic}, schema ${schema}`);
    })
    .catch((error: unknown) => {
      console.error(`${config.service} failed to start:`, error);
      process.exit(1);
    });
}
