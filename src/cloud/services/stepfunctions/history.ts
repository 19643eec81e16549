/** One event of an execution's history, in the shape GetExecutionHistory returns. */
export interface HistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

// Each event type carries its details under a key named after it: TaskScheduled ->
// taskScheduledEventDetails. Entered and exited events of every state type share
// stateEnteredEventDetails / stateExitedEventDetails.
function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;
}

/** Payloads in history are JSON text, with a note that they were not truncated. */
export const payload = (value: unknown) => JSON.stringify(value ?? null);

/** The history of one execution, in order, with AWS's event types and ids. */
export class History {
  readonly events: HistoryEvent[];

  constructor(events: HistoryEvent[] = []) {
    this.events = events;
  }

  add(type: string, details?: Record<string, unknown>): HistoryEvent {
    const id = this.events.length + 1;
    const event: HistoryEvent = { timestamp: new Date(), type, id, previousEventId: id - 1 };
    if (details) event[detailsKey(type)] = details;
    this.events.push(event);
    return event;
  }

  /** A state was entered (`Task`, `Pass`, `Choice`, `Map`…). */
  entered(stateType: string, name: string, input: unknown): void {
    this.add(`${stateType}StateEntered`, { name, input: payload(input), inputDetails: { truncated: false } });
  }

  exited(stateType: string, name: string, output: unknown): void {
    this.add(`${stateType}StateExited`, { name, output: payload(output), outputDetails: { truncated: false } });
  }
}
