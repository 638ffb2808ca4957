import { onShutdown } from '@barplane/messaging';
import { OwnerService, ownerConfigFromEnv } from '@barplane/owner-service';
import { peRegistryOwner } from './pe-registry.owner';

// Plain Node process: config from the environment (DATABASE_URL, KAFKA_BROKERS, BARPLANE_NAMESPACE).
async function main(): Promise<void> {
  const config = ownerConfigFromEnv(peRegistryOwner.identity);
  const service = new OwnerService(config, peRegistryOwner, {
    onCrash: () => void service.stop().finally(() => process.exit(1)),
  });
  onShutdown(['SIGTERM', 'SIGINT'], () => service.stop());
  await service.start();
  const { commandTopic, eventTopic, schema } = service.names;
  console.log(`${config.service} ready: ${commandTopic} -> ${eventTopic}, schema ${schema}`);
}

main().catch((error: unknown) => {
  console.error('pe-registry failed to start:', error);
  process.exit(1);
});
