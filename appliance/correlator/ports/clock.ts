/** Time as the domain sees it: milliseconds, monotonic enough for windows. Faked in tests. */
export interface Clock {
  now(): number;
}
