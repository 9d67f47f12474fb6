import type { Clock } from '../ports/clock.js';

/** Monotonic milliseconds: a wall-clock step (NTP) must not expire or revive connections. */
export const systemClock: Clock = { now: () => performance.now() };
