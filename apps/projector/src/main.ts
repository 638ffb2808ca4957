import { onShutdown } from '@barplane/messaging';
import { projectorConfigFromEnv } from './projector-config';
import { ProjectorService } from './projector.service';

async function main(): Promise<void> {
  // A consumer that crashed for good ends the process (non-zero): the supervisor restarts it.
  const service: ProjectorService = new ProjectorService(projectorConfigFromEnv(), {
    onCrash: () => void service.stop().finally(() => process.exit(1)),
  });
  onShutdown(['SIGTERM', 'SIGINT'], () => service.stop());
  await service.start();
  console.log(`projector: consuming ${service.names.factTopics.join(', ')}`);
}

main().catch((error) => {
  console.error(`projector: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
