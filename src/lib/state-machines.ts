// The lab API's read-only views of a lab's Step Functions state machines (see src/engine/state-machines.ts).
// Type-only imports: nothing of the Node side enters the browser bundle.
import type { ExecutionView, HistoryEventView, StateMachineView } from '../engine/state-machines.ts';

export type { ExecutionView, HistoryEventView, StateMachineView };

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`/api${path}`, { headers: { accept: 'application/json' }, signal });
  if (!response.ok) {
    let message = `The lab API answered ${response.status}.`;
    try {
      message = (await response.json()).error?.message ?? message;
    } catch {
      // keep the status line
    }
    throw new Error(message);
  }
  return response.json() as Promise<T>;
}

const labPath = (lab: string) => `/labs/${encodeURIComponent(lab)}`;

/** The lab's deployed state machines with their definitions (DescribeStateMachine); none before a deploy. */
export async function stateMachines(lab: string, signal?: AbortSignal): Promise<StateMachineView[]> {
  return (await getJson<{ stateMachines: StateMachineView[] }>(`${labPath(lab)}/state-machines`, signal)).stateMachines;
}

/** The newest executions of the lab's state machines (ListExecutions), newest first. */
export async function recentExecutions(lab: string, max = 8, signal?: AbortSignal): Promise<ExecutionView[]> {
  return (await getJson<{ executions: ExecutionView[] }>(`${labPath(lab)}/executions?max=${max}`, signal)).executions;
}

/** An execution and its whole history (DescribeExecution, GetExecutionHistory). */
export async function executionHistory(
  lab: string,
  executionArn: string,
  signal?: AbortSignal,
): Promise<{ execution: ExecutionView; events: HistoryEventView[] }> {
  return getJson(`${labPath(lab)}/executions/${encodeURIComponent(executionArn)}/history`, signal);
}

/** Where the lab API deploys: the view follows executions live locally, and polls on AWS. */
export async function targetKind(signal?: AbortSignal): Promise<string> {
  return (await getJson<{ target: { kind: string } }>('/health', signal)).target.kind;
}
