import type { LabSummary } from '../engine/engine.ts';
import { field, printable } from './body.ts';
import { badRequest } from './errors.ts';
import type { LearnerReport, Preflight, PreflightCheck, ReportedCheckpoint } from './types.ts';

const ID = /^[A-Za-z0-9-]+$/;
const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

/**
 * Reads a learner's report, refusing with a 400 that says why anything the class does not know
 * (a lab, a checkpoint, a step that does not match) or anything that is not the expected shape.
 * Only what the dashboard needs is kept: no free text but the preflight's short facts.
 */
export function parseReport(body: Record<string, unknown>, labs: LabSummary[]): LearnerReport {
  const id = field.string(body, 'id', { max: 64, pattern: ID })!;
  const learner = field.string(body, 'learner', { max: 200 })!;
  const at = field.number(body, 'at', { min: 0, max: Date.now() + YEAR })!;
  const sentAt = field.number(body, 'sentAt', { min: 0, max: Date.now() + YEAR })!;
  if (body.kind === 'preflight')
    return { id, learner, kind: 'preflight', at, sentAt, preflight: parsePreflight(field.object(body, 'preflight')) };
  if (body.kind !== 'verify') throw badRequest('BadField', '"kind" must be "verify" or "preflight".');
  const labId = field.string(body, 'lab', { max: 64 })!;
  const lab = labs.find((l) => l.id === labId);
  if (!lab)
    throw badRequest(
      'UnknownLab',
      `This class has no lab "${labId}" (it knows ${labs.map((l) => l.id).join(', ')}). Are you and your instructor on the same version of the workshop?`,
    );
  const step = field.number(body, 'step', { min: 0, max: 1000, optional: true });
  const durationMs = field.number(body, 'durationMs', { min: 0, max: 24 * HOUR })!;
  const checkpoints: ReportedCheckpoint[] = [];
  for (const item of field.array(body, 'checkpoints', { min: 1, max: lab.checkpoints.length })) {
    const checkpointId = field.string(item, 'id', { max: 100 })!;
    const known = lab.checkpoints.find((c) => c.id === checkpointId);
    if (!known)
      throw badRequest(
        'UnknownCheckpoint',
        `${lab.id} has no checkpoint "${checkpointId}". Are you and your instructor on the same version of the workshop?`,
      );
    const reportedStep = field.number(item, 'step', { min: 0, max: 1000 })!;
    if (reportedStep !== known.step)
      throw badRequest('BadField', `Checkpoint "${checkpointId}" belongs to step ${known.step} of ${lab.id}, not ${reportedStep}.`);
    if (checkpoints.some((c) => c.id === checkpointId)) throw badRequest('BadField', `Checkpoint "${checkpointId}" is reported twice.`);
    checkpoints.push({
      id: checkpointId,
      step: known.step,
      ok: field.boolean(item, 'ok'),
      durationMs: field.number(item, 'durationMs', { min: 0, max: 24 * HOUR })!,
    });
  }
  return { id, learner, kind: 'verify', at, sentAt, lab: lab.id, step, durationMs, checkpoints };
}

function parsePreflight(body: Record<string, unknown>): Preflight {
  const target = field.object(body, 'target');
  const kind = field.string(target, 'kind', { max: 10 });
  if (kind !== 'local' && kind !== 'aws' && kind !== 'endpoint')
    throw badRequest('BadField', '"target.kind" must be local, aws or endpoint.');
  const checks: PreflightCheck[] = field.array(body, 'checks', { max: 20 }).map((check) => ({
    id: field.string(check, 'id', { max: 40, pattern: ID })!,
    title: printable(field.string(check, 'title', { max: 200 })!),
    ok: field.boolean(check, 'ok'),
    detail: optionalText(check, 'detail'),
    fix: optionalText(check, 'fix'),
  }));
  return {
    ok: field.boolean(body, 'ok'),
    node: field.string(body, 'node', { max: 20, pattern: /^[0-9.]+$/ })!,
    target: {
      kind,
      region: field.string(target, 'region', { max: 30, pattern: /^[a-z0-9-]+$/ })!,
      prefix: field.string(target, 'prefix', { max: 20, pattern: /^[a-z0-9]+$/ })!,
    },
    checks,
  };
}

function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = field.string(body, name, { max: 300, optional: true });
  return value === undefined ? undefined : printable(value);
}

/**
 * When a report's run happened, in the server's time. The learner's clock may be off by minutes,
 * so the run's time is shifted by the difference between the server's clock and the learner's
 * when it was sent; a run is never placed in the future.
 */
export function serverTime(report: { at: number; sentAt: number }, now = Date.now()): number {
  return Math.min(now, Math.round(report.at + (now - report.sentAt)));
}
