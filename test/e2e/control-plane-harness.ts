import { ProjectorService } from '../../apps/projector/src/projector.service';
import { guestMemoryOwner } from '../../apps/guest-memory/src/guest-memory.owner';
import { peRegistryOwner } from '../../apps/pe-registry/src/pe-registry.owner';
import { vfioRegionsOwner } from '../../apps/vfio-regions/src/vfio-regions.owner';
import { OwnerService } from '../../libs/owner-service/src/owner-service';
import { cleanUpNamespace, testNamespace, testOwner } from '../../libs/owner-service/src/testing/owner-test-kit';
import type { ApiConfig } from '../../apps/api/src/api-config';
import { aroundTests, RunningApi, startApi } from '../api/api-harness';

/** The whole control plane in this process, in a namespace of its own: three owners, the projector, the API. */
export interface ControlPlane {
  namespace: string;
  api: RunningApi;
  owners: OwnerService[];
  projector: ProjectorService;
  stop(): Promise<void>;
}

export async function startControlPlane(apiOverrides: Partial<ApiConfig> = {}): Promise<ControlPlane> {
  const namespace = testNamespace();
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane';
  const kafkaBrokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const owners: OwnerService[] = [];
  for (const def of [peRegistryOwner, guestMemoryOwner, vfioRegionsOwner]) {
    const owner = testOwner(def as never, namespace);
    await owner.start();
    owners.push(owner);
  }
  // Beats often (as the owners of testOwner do), so /health follows a stop within a second.
  const projector = new ProjectorService({ databaseUrl, kafkaBrokers, namespace }, { heartbeatMs: 250 });
  await projector.start();
  const api = await startApi({ namespace, commandWaitMs: 15_000, ...apiOverrides });
  return {
    namespace,
    api,
    owners,
    projector,
    async stop() {
      await api.close();
      await projector.stop();
      for (const o of owners) await o.stop();
      const schemaPrefix = namespace.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
      const topics = [
        'pe.commands',
        'vfio.commands',
        'guest.commands',
        'pe.events',
        'vfio.events',
        'guest.events',
        'decisions.events',
        'projector.applied',
      ];
      await cleanUpNamespace(
        ['pe_registry', 'vfio_regions', 'guest_memory', 'projector', 'api'].map((s) => schemaPrefix + s),
        topics.map((t) => namespace + t),
      );
    },
  };
}

/** The control plane for the file's tests, started after `prepare` (when given). */
export function useControlPlane(prepare?: () => void): ControlPlane {
  const start = async () => {
    prepare?.();
    return startControlPlane();
  };
  return aroundTests('the control plane', start, (cp) => cp.stop());
}
