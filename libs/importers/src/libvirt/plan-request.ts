import { Problem } from '@barplane/domain';
import { MAX_PLAN_LIBVIRT_XML, ScenarioRead, scenarioFromJson } from '@barplane/contracts';
import { scenarioWithLibvirtVm } from './libvirt-plan';

export type PlanRequestRead = ScenarioRead & { readonly warnings?: readonly string[] };

/**
 * The body of `POST /v1/plans`: a scenario as it is, or a host's scenario (no `vm`) plus
 * `libvirtXml`, the domain XML of the VM to plan on that host. Every problem of both parts is
 * listed: the scenario's at their JSON paths, the XML's below `libvirtXml`.
 */
export function planRequestFromJson(body: unknown, inexact: readonly Problem[] = []): PlanRequestRead {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('libvirtXml' in body))
    return scenarioFromJson(body, inexact);
  const { libvirtXml, ...scenario } = body as Record<string, unknown>;
  const xmlProblems: Problem[] = [];
  if (typeof libvirtXml !== 'string')
    xmlProblems.push({ path: 'libvirtXml', message: 'must be a string: the libvirt domain XML' });
  else if (libvirtXml.length > MAX_PLAN_LIBVIRT_XML)
    xmlProblems.push({
      path: 'libvirtXml',
      message: `is ${libvirtXml.length} characters long; at most ${MAX_PLAN_LIBVIRT_XML}`,
    });
  const host = scenarioFromJson(scenario, inexact);
  if (!host.ok || xmlProblems.length > 0)
    return { ok: false, problems: [...(host.ok ? [] : host.problems), ...xmlProblems] };
  const read = scenarioWithLibvirtVm(host.scenario, libvirtXml as string, 'libvirtXml');
  return read.ok
    ? { ok: true, scenario: read.scenario, warnings: read.warnings }
    : { ok: false, problems: [...read.problems] };
}
