/** Exhaustiveness guard for `switch` statements over unions. A call is a programmer error. */
export function assertNever(value: never, what = 'value'): never {
  throw new TypeError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
