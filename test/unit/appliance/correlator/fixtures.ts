export { httpEvent, tlsEvent } from '../../../../scripts/lib/sample-events.js';

/** A clock the test moves by hand. */
export function fakeClock(start = 1_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
