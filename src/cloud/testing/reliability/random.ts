/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same sequence, so a fuzz
 * run or a crash schedule can be replayed exactly from the seed it printed.
 */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A random string of `length` characters from `alphabet`. */
  text(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** A generator derived from this one and a label: independent streams that stay reproducible. */
  fork(label: string | number): Random {
    // FNV-1a over the seed's four bytes and the label, then murmur3's finalizer: every bit of both
    // reaches every bit of the new seed (a plain XOR would give seed 1/label "0" and seed 2/label
    // "3" the same stream).
    let hash = 0x811c9dc5;
    const mix = (byte: number) => {
      hash = Math.imul(hash ^ byte, 0x01000193);
    };
    for (let shift = 0; shift < 32; shift += 8) mix((this.seed >>> shift) & 0xff);
    for (const char of String(label)) {
      mix(char.charCodeAt(0) & 0xff);
      mix(char.charCodeAt(0) >>> 8);
    }
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    return new Random(hash >>> 0);
  }
}
