import { compareIds } from '../pci/bdf';
import { Pe } from '../pci/pe';
import { PeHold } from './host-registry.state';

/**
 * What a command would do to a PE a VM holds: a held PE must keep exactly its functions (BAR
 * moves and resizes are facts and are fine), because the VM was given the PE whole and its guest
 * BARs name those functions.
 */
export interface HeldPeChange {
  readonly hold: PeHold;
  /** Index of the PE in the topology after the command; undefined when the command drops it. */
  readonly index: number | undefined;
  /** Functions of the PE that are in no PE afterwards. */
  readonly removed: readonly string[];
  /** Functions of the PE that are in another PE afterwards, with that PE. */
  readonly moved: readonly { readonly bdf: string; readonly to: string }[];
  /** Functions that join the PE (from another PE or new). */
  readonly added: readonly string[];
}

/**
 * Every held PE whose functions differ between `before` and `after`, in hold order (PE id, then
 * VM id). A hold of a PE that `before` does not have (guest-memory assigned it while an import
 * dropped it: the owners decide apart) is not this command's doing and is skipped.
 */
export function heldPeChanges(before: readonly Pe[], after: readonly Pe[], holds: readonly PeHold[]): HeldPeChange[] {
  const peOf = new Map<string, string>();
  for (const pe of after) for (const fn of pe.functions) if (!peOf.has(fn.bdf)) peOf.set(fn.bdf, pe.id);
  const changes: HeldPeChange[] = [];
  for (const hold of holds) {
    const was = before.find((pe) => pe.id === hold.peId);
    if (!was) continue;
    const index = after.findIndex((pe) => pe.id === hold.peId);
    const members = new Set(was.functions.map((fn) => fn.bdf));
    const now = index >= 0 ? after[index].functions.map((fn) => fn.bdf) : [];
    const removed: string[] = [];
    const moved: { bdf: string; to: string }[] = [];
    for (const bdf of [...members].sort(compareIds)) {
      const to = peOf.get(bdf);
      if (to === undefined) removed.push(bdf);
      else if (to !== hold.peId) moved.push({ bdf, to });
    }
    const added = now.filter((bdf) => !members.has(bdf)).sort(compareIds);
    if (index >= 0 && removed.length === 0 && moved.length === 0 && added.length === 0) continue;
    changes.push({ hold, index: index >= 0 ? index : undefined, removed, moved, added });
  }
  return changes;
}

/** One sentence naming the PE, its VM and what `commandType` would do to it. */
export function describeHeldPeChange(change: HeldPeChange, commandType: string): string {
  const parts: string[] = [];
  if (change.index === undefined) parts.push('drops the PE');
  if (change.removed.length > 0) parts.push(`removes ${change.removed.join(', ')}`);
  for (const { bdf, to } of change.moved) parts.push(`moves ${bdf} to PE "${to}"`);
  if (change.added.length > 0) parts.push(`adds ${change.added.join(', ')}`);
  return `PE "${change.hold.peId}" is given to VM "${change.hold.vmId}": ${commandType} ${parts.join(', ')}; release the PE from the VM first`;
}
