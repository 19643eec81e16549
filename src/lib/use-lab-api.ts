import { useEffect, useState } from 'react';
import { labApiAvailable } from './lab-api.ts';

/** `checking` until known; `live` with a lab API behind the site, `static` without one. */
export type LabApiMode = 'checking' | 'live' | 'static';

export function useLabApiMode(): LabApiMode {
  const [mode, setMode] = useState<LabApiMode>('checking');
  useEffect(() => {
    let current = true;
    void labApiAvailable().then((live) => current && setMode(live ? 'live' : 'static'));
    return () => {
      current = false;
    };
  }, []);
  return mode;
}
