import { strToU8, zipSync } from 'fflate';

/** A zip holding one CommonJS handler file, as a function package for tests. */
export function handlerZip(source: string, file = 'index.js'): Uint8Array {
  return zipSync({ [file]: strToU8(source) });
}

/** A role ARN for test functions (the local cloud checks its shape). */
export const TEST_ROLE = 'arn:aws:iam::000000000000:role/test-role';
