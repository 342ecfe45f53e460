/**
 * Invariant checks. An assertion failure is a bug in RocketDeck, never an expected outcome:
 * it throws AssertionError and must not be caught on a write path.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Offsets and sizes are plain numbers; they must stay exact. */
export function assertSafeOffset(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AssertionError(`${what} is not a safe non-negative integer: ${value}`);
  }
}

/** Throw an AssertionError. Hot paths write `if (!cond) fail(\`…\`)` so the message is only built on failure. */
export function fail(message: string): never {
  throw new AssertionError(message);
}
