/**
 * Small helpers the workflows share for their update handlers: rejecting with a typed failure, reading a business
 * refusal out of a failed activity, and taking steps that await one at a time. Not exported from the barrel.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { ERROR_TYPES } from '../domain/definitions';

/** Rejects an update (or fails it) with a Chinese message and a stable type the API maps to 422. */
export function fail(message: string, type: string = ERROR_TYPES.invalidTransition): never {
  throw ApplicationFailure.create({ type, message });
}

/** The message of a business refusal of `type` carried by a failed activity, or undefined for any other failure. */
export function refusalOf(err: unknown, type: string): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === type ? cause.message : undefined;
}

/**
 * Update handlers whose steps await take their turn: a step holds the guard from its start to its end, and validators
 * call `check()` so a second request meanwhile is refused (422, may be retried) instead of interleaving.
 */
export function oneAtATime(busyMessage: string) {
  let busy = false;
  return {
    get busy() {
      return busy;
    },
    async run<T>(step: () => Promise<T>): Promise<T> {
      busy = true;
      try {
        return await step();
      } finally {
        busy = false;
      }
    },
    check(): void {
      if (busy) fail(busyMessage);
    },
  };
}
