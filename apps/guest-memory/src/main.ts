import { onShutdown } from '@barplane/messaging';
import { OwnerService, ownerConfigFromEnv } from '@barplane/owner-service';
import { guestMemoryOwner } from './guest-memory.owner';

// Plain Node process: config from the environment (DATABASE_URL, KAFKA_BROKERS, BARPLANE_NAMESPACE).
async function main(): Promise<void> {
  const config = ownerConfigFromEnv(guestMemoryOwner.identity);
  const service = new OwnerService(config, guestMemoryOwner, {
    onCrash: () => void service.stop().finally(() => process.exit(1)),
  });
  onShutdown(['SIGTERM', 'SIGINT'], () => service.stop());
  await service.start();
  const { commandTopic, eventTopic, schema } = service.names;
  console.log(`${config.service} ready: ${commandTopic} -> ${eventTopic}, schema ${schema}`);
}

main().catch((error: unknown) => {
  console.error('guest-memory failed to start:', error);
  process.exit(1);
});
