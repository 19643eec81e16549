import { BatchGetCommand, type BatchGetCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamodb, output } from '../kit/index.ts';

/** One line of a ride's delivery log, as the Ride Ledger Service writes it. */
export interface Delivery {
  messageId: string;
  receiveCount: number;
  outcome: 'applied' | 'already-applied' | 'failed';
  at: string;
  seq?: number;
  type?: string;
  eventId?: string;
  reason?: string;
}

/** What the ledger keeps about a ride. */
export interface RideLedger {
  rideId: string;
  rideStatus?: string;
  lastSeq?: number;
  deliveries: Delivery[];
}

/** The ledger entries of these rides (rides the ledger never heard of are missing from the map). */
export async function readLedgers(rideIds: string[]): Promise<Map<string, RideLedger>> {
  const tableName = await output('RideLedgerTableName');
  const documents = DynamoDBDocumentClient.from(dynamodb());
  const found = new Map<string, RideLedger>();
  for (let i = 0; i < rideIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = rideIds.slice(i, i + 100).map((rideId) => ({ rideId }));
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await documents.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of page.Responses?.[tableName] ?? []) {
        const ledger = item as RideLedger;
        found.set(ledger.rideId, { ...ledger, deliveries: ledger.deliveries ?? [] });
      }
      keys = page.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}

/** The sequence numbers of the events applied to a ride, in the order the ledger received them. */
export const appliedSeqs = (ledger: RideLedger | undefined) =>
  (ledger?.deliveries ?? []).filter((d) => d.outcome === 'applied').map((d) => d.seq!);

/** True when the numbers run 1, 2, 3… with nothing missing, repeated or out of place. */
export const inOrder = (seqs: number[]) => seqs.every((seq, i) => seq === i + 1);
