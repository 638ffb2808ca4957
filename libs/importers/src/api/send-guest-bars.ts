import { GuestBarsBody } from '../qmp/guest-bars-body';
import { ImportSendError } from './send-import';

/** What the API answered a guest BAR set: 200 applied, 202 accepted (outcome not known yet). */
export interface GuestBarsSent {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Sends a VM's guest BAR set as one ProgramGuestBars command: `PUT /v1/vms/{vm}/guest-bars`
 * with `{ bars }` (the VM is the path's). A 4xx or 5xx is an ImportSendError with the status
 * and every problem the API named.
 */
export async function sendGuestBars(apiUrl: string, token: string, body: GuestBarsBody): Promise<GuestBarsSent> {
  const base = apiUrl.replace(/\/+$/, '');
  const path = `/v1/vms/${encodeURIComponent(body.vmId)}/guest-bars`;
  let res: Response;
  try {
    res = await fetch(base + path, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bars: body.bars }),
    });
  } catch (error) {
    throw new ImportSendError(
      `cannot reach the API at ${base}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`,
    );
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown> & {
    message?: string;
    problems?: { path: string; message: string }[];
  };
  if (res.status >= 400) {
    const problems = (json.problems ?? []).map((p) => `\n  ${p.path}: ${p.message}`).join('');
    throw new ImportSendError(`PUT ${path}: ${res.status} ${json.message ?? ''}${problems}`, res.status);
  }
  return { status: res.status, body: json };
}
