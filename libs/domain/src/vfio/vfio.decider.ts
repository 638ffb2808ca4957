import { Decider } from '../decider/decider';
import { NotFoundError } from '../decider/domain-error';
import { HostFacts } from '../host-registry/host-facts';
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
      return [{ type: 'FunctionBound', data: { bdf, regions: deriveRegions(facts.host, fn, facts.pes) } }];
    }
    case 'UnbindFunction':
      return state.bound.has(bdf) ? [{ type: 'FunctionUnbound', data: { bdf } }] : [];
  }
}

export const vfioDecider: Decider<VfioCommand, VfioEvent, VfioState, HostFacts | undefined> = {
  decide: decideVfio,
  evolve: evolveVfio,
  initialState: initialVfioState,
};
