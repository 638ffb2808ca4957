import { Provider } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app (not prom-client's global one), with the process metrics. */
export const registryProvider: Provider = {
  provide: Registry,
  useFactory: () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'barplane_api_' });
    return registry;
  },
};
