import { HttpError } from './http-error.ts';

/** Who may talk to the lab API: the site's own origins, on this machine only. */
export interface AccessPolicy {
  /** Host headers accepted (`localhost:3000`, `127.0.0.1:3001`…): refuses DNS-rebinding hosts. */
  hosts: string[];
  /** Origins accepted on requests that carry one (the site's). */
  origins: string[];
}

export function accessPolicy(sitePort: number, apiPort: number): AccessPolicy {
  const hosts = [sitePort, apiPort].flatMap((port) => [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
  return { hosts, origins: [sitePort, apiPort].flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) };
}

/**
 * Refuses requests not from the site: a foreign Host (DNS rebinding), a foreign Origin (another
 * web page), or a POST that is not JSON (a cross-site form post cannot send JSON without a
 * preflight, and the API answers no preflight).
 */
export function checkAccess(request: Request, policy: AccessPolicy): void {
  const host = request.headers.get('host') ?? new URL(request.url).host;
  if (!policy.hosts.includes(host))
    throw new HttpError(403, 'ForeignHost', `The lab API answers only on ${policy.hosts.join(', ')}; refused Host ${host}.`);
  const origin = request.headers.get('origin');
  if (origin !== null && !policy.origins.includes(origin))
    throw new HttpError(403, 'ForeignOrigin', `The lab API answers only the workshop site; refused Origin ${origin}.`);
  if (request.method === 'POST' && !(request.headers.get('content-type') ?? '').startsWith('application/json')) {
    throw new HttpError(415, 'JsonRequired', 'POST requests to the lab API must send Content-Type: application/json.');
  }
  if (request.method !== 'GET' && request.method !== 'POST')
    throw new HttpError(405, 'MethodNotAllowed', `${request.method} is not allowed.`);
}
