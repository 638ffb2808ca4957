/**
 * An aggregate as a Decider (Jérémie Chassaing; emmett's shape): `decide` turns a command and
 * the current state (plus facts owned by other aggregates) into events, or throws a
 * `DomainError`; `evolve` folds one event into the state. Both are pure.
 */
export interface Decider<Command, Event, State, Facts = void> {
  decide(command: Command, state: State, facts: Facts): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** The state after `events`, folded from the decider's initial state. */
export function foldEvents<Event, State>(
  decider: Pick<Decider<unknown, Event, State, unknown>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
