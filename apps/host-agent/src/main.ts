import { describeChanges, importSysfs, liveHostId, livePageSize, livePlatform, sendImport } from '@barplane/importers';
import { watchVm } from './guest-bars-watch';
import { vmSocketsFromEnv } from './vm-sockets';

/**
 * The host agent: reads this machine's /sys (or BARPLANE_SYSFS_ROOT, a captured tree) and
 * reports it to the API as a host registration plus a topology import, once, or every
 * BARPLANE_AGENT_INTERVAL_S seconds. Settings: BARPLANE_API_URL, BARPLANE_TOKEN (a
 * provisioner's), BARPLANE_HOST_ID, and for a captured tree BARPLANE_PLATFORM and
 * BARPLANE_PAGE_SIZE. With BARPLANE_QMP_SOCKETS or BARPLANE_QMP_DIR (vm-sockets.ts) it also
 * watches the QMP sockets of the host's VMs and sends each VM's guest BARs when they change
 * (re-read every BARPLANE_QMP_INTERVAL_S seconds, 10 by default, and on QMP device events).
 */
async function report(): Promise<void> {
  const env = process.env;
  const root = env.BARPLANE_SYSFS_ROOT;
  if (root && (!env.BARPLANE_PLATFORM || !env.BARPLANE_PAGE_SIZE))
    throw new Error('BARPLANE_SYSFS_ROOT needs BARPLANE_PLATFORM and BARPLANE_PAGE_SIZE');
  const host = {
    id: env.BARPLANE_HOST_ID ?? liveHostId(),
    platform: (env.BARPLANE_PLATFORM as ReturnType<typeof livePlatform>) ?? livePlatform(),
    pageSize: env.BARPLANE_PAGE_SIZE ? BigInt(env.BARPLANE_PAGE_SIZE) : livePageSize(),
  };
  const { scenario, warnings } = importSysfs({ root: root ?? '/', host });
  for (const w of warnings) console.warn(`host-agent: warning: ${w}`);
  if (!env.BARPLANE_TOKEN) throw new Error('BARPLANE_TOKEN is required (a provisioner token)');
  const changes = await sendImport(
    env.BARPLANE_API_URL ?? 'http://127.0.0.1:8080',
    env.BARPLANE_TOKEN,
    scenario as never,
  );
  console.log(`host-agent: ${describeChanges(changes)}`);
}

async function main(): Promise<void> {
  const interval = Number(process.env.BARPLANE_AGENT_INTERVAL_S ?? 0);
  const vms = vmSocketsFromEnv(process.env);
  await report();
  const stopVms = new AbortController();
  for (const vm of vms) {
    const opts = {
      apiUrl: process.env.BARPLANE_API_URL ?? 'http://127.0.0.1:8080',
      token: process.env.BARPLANE_TOKEN!,
      intervalMs: Number(process.env.BARPLANE_QMP_INTERVAL_S ?? 10) * 1000,
      retryMs: 5000,
      signal: stopVms.signal,
    };
    void watchVm(vm, opts);
  }
  if (interval <= 0 && vms.length === 0) return;
  const timer =
    interval > 0
      ? setInterval(() => report().catch((e: Error) => console.error(`host-agent: ${e.message}`)), interval * 1000)
      : undefined;
  const stop = () => {
    clearInterval(timer);
    stopVms.abort();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: Error) => {
  console.error(`host-agent: ${error.message}`);
  process.exit(1);
});
