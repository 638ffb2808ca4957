import { Decider, foldEvents } from '../decider';
import { DomainError, DomainErrorCode } from '../domain-error';

/**
 * Given/when/then for deciders, on jest's `expect`:
 * `spec.given([events]).when(command, facts).then([events])` or `.thenThrows('NOT_FOUND', /BDF/)`.
 * `then` returns the state after the given and the produced events; `thenThrows` the error.
 */
export function deciderSpecification<Command, Event, State, Facts>(decider: Decider<Command, Event, State, Facts>) {
  return {
    given(events: readonly Event[] = []) {
      return {
        when(command: Command, facts?: Facts) {
          const state = foldEvents(decider, events);
          const run = () => decider.decide(command, state, facts as Facts);
          return {
            then(expected: readonly Event[]): State {
              const produced = run();
              expect(produced).toEqual(expected);
              return produced.reduce((s, e) => decider.evolve(s, e), state);
            },
            thenThrows(code: DomainErrorCode, messageMatch?: string | RegExp): DomainError {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              const error = thrown as DomainError;
              expect(error.code).toBe(code);
              if (messageMatch !== undefined) expect(error.message).toMatch(messageMatch);
              return error;
            },
          };
        },
      };
    },
  };
}
