import { QmpClient, VmSocket, liveGuestBars, sendGuestBars, watchGuestBars } from '@barplane/importers';

/**
 * Watches one VM's QMP socket for as long as the agent runs: each changed guest BAR set is sent
 * as one ProgramGuestBars. A VM that is not running yet, or quits, is tried again after
 * `retryMs`; the host functions come from QEMU itself (qom-get of each vfio-pci device's host).
 */
export async function watchVm(
  vm: VmSocket,
  opts: { apiUrl: string; token: string; intervalMs: number; retryMs: number; signal: AbortSignal },
): Promise<void> {
  const log = (m: string) => console.log(`host-agent: ${vm.vmId}: ${m}`);
  while (!opts.signal.aborted) {
    try {
      const client = await QmpClient.connect(vm.path);
      try {
        await watchGuestBars(client, {
          read: (c) => liveGuestBars(c, vm.vmId, []),
          changed: async (body, warnings) => {
            for (const w of warnings) log(`warning: ${w}`);
            const sent = await sendGuestBars(opts.apiUrl, opts.token, body);
            log(`${body.bars.length} guest BARs sent (${sent.status})`);
          },
          intervalMs: opts.intervalMs,
          signal: opts.signal,
          onError: (e) => log(e.message),
        });
      } finally {
        client.close();
      }
    } catch (error) {
      log(`QMP ${vm.path}: ${(error as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, opts.retryMs));
  }
}
