import type { ScenarioWire } from './api-types';
import { splitKey } from './pe-data';

/** What an operator changed on the what-if page; kept per PE while the tab lives. */
export interface WhatIfEdits {
  alignment: string;
  msixRelocation: string;
  /** "bdf/index" -> the guest address typed ('' clears it). */
  guest: Record<string, string>;
  planned: boolean;
}

/**
 * The scenario the API gave for this PE (GET .../scenario) with the edits applied: this PE's
 * alignment override, the VM's MSI-X relocation, and the guest BAR addresses typed in.
 */
export function withEdits(scenario: ScenarioWire, peId: string, edits: WhatIfEdits): ScenarioWire {
  const pes = scenario.pes.map((pe) =>
    pe.id === peId ? { ...pe, alignment: edits.alignment as typeof pe.alignment } : pe,
  );
  if (!scenario.vm) return { ...scenario, pes };
  const guestBars = (scenario.vm.guestBars ?? []).filter((g) => !(`${g.bdf}/${g.index}` in edits.guest));
  for (const [key, address] of Object.entries(edits.guest)) if (address) guestBars.push({ ...splitKey(key), address });
  const msixRelocation = edits.msixRelocation as typeof scenario.vm.msixRelocation;
  return { ...scenario, pes, vm: { ...scenario.vm, msixRelocation, guestBars } };
}
