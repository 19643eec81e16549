import { isIPv4, isIPv6 } from 'node:net';

function ipv4Bits(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Bits(ip: string): bigint {
  const [head, tail = ''] = ip.includes('::') ? ip.split('::') : [ip, undefined as unknown as string];
  const headParts = head ? head.split(':') : [];
  const tailParts = ip.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array(ip.includes('::') ? missing : 0).fill('0'), ...tailParts];
  return parts.reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part || '0', 16)), 0n);
}

/** A test for `ip` against a CIDR block (IPv4 or IPv6), as the `cidr` operator matches. */
export function cidrMatcher(block: string, fail: (message: string) => never): (ip: string) => boolean {
  const [base, bitsText] = block.split('/');
  const v4 = isIPv4(base);
  if (!v4 && !isIPv6(base)) fail(`Malformed CIDR, one '/' required: ${block}`);
  const width = v4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) fail(`Malformed CIDR: ${block}`);
  const toBits = v4 ? ipv4Bits : ipv6Bits;
  const shift = BigInt(width - bits);
  const network = toBits(base) >> shift;
  return (ip) => (v4 ? isIPv4(ip) : isIPv6(ip)) && toBits(ip) >> shift === network;
}
