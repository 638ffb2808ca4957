/** What re-importing a host changed, as the API answered the topology import. */
export interface ImportChanges {
  readonly hostId: string;
  readonly registered: boolean;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: boolean;
}

export class ImportSendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

type Scenario = { host: { id: string } & Record<string, unknown>; pes: unknown[] };

/**
 * Sends an imported host to the API as provisioning does: register (or update) the host, then
 * import the topology; answers which functions were added, removed or changed (BARs moved or
 * resized, MSI-X changed).
 */
export async function sendImport(apiUrl: string, token: string, scenario: Scenario): Promise<ImportChanges> {
  const base = apiUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, body: unknown) => {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new ImportSendError(
        `cannot reach the API at ${base}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as {
      message?: string;
      problems?: { path: string; message: string }[];
    };
    if (res.status >= 400 || res.status === 202) {
      const problems = (json.problems ?? [])
        .map((p: { path: string; message: string }) => `\n  ${p.path}: ${p.message}`)
        .join('');
      throw new ImportSendError(`${method} ${path}: ${res.status} ${json.message ?? ''}${problems}`, res.status);
    }
    return json as { events?: { type: string; data?: Record<string, unknown> }[] };
  };
  const hostId = scenario.host.id;
  const registered = await call('POST', '/v1/hosts', scenario.host);
  const imported = await call('PUT', `/v1/hosts/${encodeURIComponent(hostId)}/topology`, { pes: scenario.pes });
  const event = imported.events?.find((e) => e.type === 'TopologyImported');
  const list = (k: string) => (event?.data?.[k] as string[] | undefined) ?? [];
  return {
    hostId,
    registered: (registered.events ?? []).some((e) => e.type === 'HostRegistered'),
    added: list('added'),
    removed: list('removed'),
    changed: list('changed'),
    unchanged: event === undefined,
  };
}

/** One line per change, for people. */
export function describeChanges(c: ImportChanges): string {
  if (c.unchanged) return `${c.hostId}: ${c.registered ? 'registered; ' : ''}topology unchanged`;
  const part = (what: string, list: readonly string[]) => (list.length ? `${what} ${list.join(', ')}` : '');
  const parts = [
    part('added', c.added),
    part('removed', c.removed),
    part('changed (BARs moved or resized, MSI-X)', c.changed),
  ].filter(Boolean);
  return `${c.hostId}: ${c.registered ? 'registered; ' : ''}${parts.join('; ') || 'topology updated'}`;
}
