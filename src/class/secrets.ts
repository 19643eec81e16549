import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

// No 0/O, 1/I/L: a join code is read off a projector and typed by thirty people.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A join code such as `K7PQ-2MXA`: 8 characters from 31, about 40 bits. */
export function newJoinCode(): string {
  const chars = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** A join code as typed: case, spaces and dashes do not matter. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** A secret for a bearer token (the instructor's, a learner's). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** How a learner's token is kept: hashed, so the class database cannot be used to impersonate. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two secrets in constant time (through their hashes, so lengths do not leak). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}
