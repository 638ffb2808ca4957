import { Decider } from '../decider/decider';
import { IllegalStateError, NotFoundError } from '../decider/domain-error';
import { HostFacts } from '../host-registry/host-facts';
import { VFIO_PCI_POWER_FIX, vfioPciBinds } from '../pci/kernel-release';
import { deriveRegions } from './derive-regions';
import { VfioCommand } from './vfio.commands';
import { VfioEvent } from './vfio.events';
import { VfioState, evolveVfio, initialVfioState } from './vfio.state';

/**
 * vfio-regions: binds and unbinds functions, idempotently. `facts` are the host facts and PEs
 * learnt from pe.events (undefined while none arrived); binding derives the regions from them.
 */
export function decideVfio(command: VfioCommand, state: VfioState, facts: HostFacts | undefined): VfioEvent[] {
  const { bdf } = command.data;
  switch (command.type) {
    case 'BindFunction': {
      if (state.bound.has(bdf)) return [];
      if (!facts) throw new NotFoundError(`BindFunction ${bdf}: no host facts known yet`);
      const fn = facts.pes.flatMap((pe) => pe.functions).find((f) => f.bdf === bdf);
      if (!fn) throw new NotFoundError(`no function ${bdf} on host "${facts.host.id}"`);
      if (!vfioPciBinds(facts.host)) throw unbindable(bdf, facts);
      return [{ type: 'FunctionBound', data: { bdf, regions: deriveRegions(facts.host, fn, facts.pes) } }];
    }
    case 'UnbindFunction':
      return state.bound.has(bdf) ? [{ type: 'FunctionUnbound', data: { bdf } }] : [];
  }
}

/**
 * The kernel refuses every vfio-pci probe on this host (docs/domain.md, decision 1 step 0); new
 * host facts (another kernel) make the same command succeed, hence a state error, not a bad request.
 */
function unbindable(bdf: string, facts: HostFacts): IllegalStateError {
  const { minimumVersion, commit } = VFIO_PCI_POWER_FIX;
  return new IllegalStateError(
    `BindFunction ${bdf}: the kernel of host "${facts.host.id}" (${facts.host.platform}) cannot bind vfio-pci ` +
      `(POWER kernels 5.19-6.3 fail every probe with -EINVAL); boot ${minimumVersion} or later, or a kernel with ${commit} backported`,
  );
}

export const vfioDecider: Decider<VfioCommand, VfioEvent, VfioState, HostFacts | undefined> = {
  decide: decideVfio,
  evolve: evolveVfio,
  initialState: initialVfioState,
};
