/** "1 source IP", "2 source IPs": the count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export const num = (n: number) => n.toLocaleString('en-US');
export const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
export const score = (x: number) => x.toFixed(3);

/** "a" or "an" before a word, as English reads it. */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}
