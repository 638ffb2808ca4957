import { onShutdown } from '@barplane/messaging';
import { projectorConfigFromEnv } from './projector-config';
import { ProjectorService } from './projector.service';

async function main(): Promise<void> {
  const service = new ProjectorService(projectorConfigFromEnv());
  onShutdown(['SIGTERM', 'SIGINT'], () => service.stop());
  await service.start();
  console.log(`projector: consuming ${service.names.factTopics.join(', ')}`);
}

main().catch((error) => {
  console.error(`projector: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
