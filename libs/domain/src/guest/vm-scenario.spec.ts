import { foldEvents } from '../decider/decider';
import { DomainError } from '../decider/domain-error';
import { HostFacts } from '../host-registry/host-facts';
import { planScenario } from '../plan/plan-scenario';
import { scenarioProblems } from '../scenario/scenario-problems';
import { bar, decisionOf, fn, host, pe, scenario, vm } from '../testing/scenario-builder';
import { guestDecider } from './guest.decider';
import { GuestEvent } from './guest.events';
import { vmScenario } from './vm-scenario';

// Worked example 2: PowerNV, BAR 0x1000 at 0x3fe080010000, rest of the page free, guest 0x80010000.
const h = host('powernv', 0x10000n);
const usb = fn('0004:01:00.0', [bar(0, 'mem32', 0x3fe080010000n, 0x1000n)]);
const other = fn('0004:02:00.0', [bar(0, 'mem64', 0x3fe090000000n, 0x10000n)]);
const facts: HostFacts = { host: h, pes: [pe('0004:01', [usb]), pe('0004:02', [other])] };
const events: GuestEvent[] = [
  { type: 'VmCreated', data: { vm: { ...vm(h, []), id: 'vm-42' } } },
  { type: 'PeAssigned', data: { vmId: 'vm-42', peId: '0004:01', functions: [usb.bdf] } },
  { type: 'GuestBarProgrammed', data: { vmId: 'vm-42', bdf: usb.bdf, index: 0, address: 0x80010000n } },
];

describe('vmScenario', () => {
  it('is the scenario barplane plan gets for the same facts, so the live decision equals the plan', () => {
    const live = vmScenario(foldEvents(guestDecider, events), facts, 'vm-42');
    const offline = scenario(
      h,
      [...facts.pes],
      vm(h, [facts.pes[0]], { id: 'vm-42', guestBars: [{ bdf: usb.bdf, index: 0, address: 0x80010000n }] }),
    );
    expect(live).toEqual(offline);
    expect(scenarioProblems(live)).toEqual([]);
    expect(planScenario(live)).toEqual(planScenario(offline));
    expect(decisionOf(planScenario(live), usb.bdf, 0).mode).toBe('DIRECT_PAGE_EXPANDED');
  });

  it('leaves out PEs and guest BARs the current topology no longer has', () => {
    const shrunk: HostFacts = { host: h, pes: [pe('0004:02', [other])] };
    const live = vmScenario(foldEvents(guestDecider, events), shrunk, 'vm-42');
    expect(live.vm).toMatchObject({ assignedPes: [], guestBars: [] });
    expect(scenarioProblems(live)).toEqual([]);
  });

  it('refuses an unknown VM (NOT_FOUND)', () => {
    expect(() => vmScenario(foldEvents(guestDecider, events), facts, 'vm-0')).toThrow(DomainError);
  });
});
