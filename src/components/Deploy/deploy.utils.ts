import type { LabEvent } from '../../lib/lab-api.ts';

export interface ResourceRow {
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
  tone: 'progress' | 'complete' | 'failed';
}

/** Folds a resource event into the rows shown: one row per resource, with its latest status. */
export function resourceRows(rows: ResourceRow[], event: Extract<LabEvent, { type: 'resource' }>): ResourceRow[] {
  const tone = event.status.endsWith('FAILED')
    ? 'failed'
    : event.status.endsWith('COMPLETE') || event.status.endsWith('SKIPPED')
      ? 'complete'
      : 'progress';
  const row: ResourceRow = {
    logicalId: event.logicalId,
    resourceType: event.resourceType,
    status: event.status,
    reason: event.reason,
    tone,
  };
  const index = rows.findIndex((r) => r.logicalId === event.logicalId);
  if (index < 0) return [...rows, row];
  // A failure stays visible even when a later event (rollback) follows for the same resource.
  if (rows[index].tone === 'failed') return rows;
  return rows.map((r, i) => (i === index ? row : r));
}
