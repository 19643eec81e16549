import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamodb, output } from '../kit/index.ts';

/** A unicorn's row in a distance table, as the Unicorn Distance Service writes it. */
export interface Tally {
  unicorn: string;
  meters: number;
  pings: number;
  lastSequence: string;
  lastLat: number;
  lastLng: number;
}

const documents = () => DynamoDBDocumentClient.from(dynamodb());

/** Where the Unicorn Locator last saw a unicorn. */
export interface Sighting {
  unicorn: string;
  lat: number;
  lng: number;
  seenAt: string;
  lastSequence: string;
}

/** One unicorn's row in the table named by the stack output `tableOutput`, if it has one. */
export async function readRow<T = Tally>(tableOutput: string, unicorn: string): Promise<T | undefined> {
  const { Item } = await documents().send(new GetCommand({ TableName: await output(tableOutput), Key: { unicorn }, ConsistentRead: true }));
  return Item as T | undefined;
}

/** One unicorn's tally in the distance table named by the stack output `tableOutput`, if it has one. */
export const readTally = (tableOutput: string, unicorn: string) => readRow<Tally>(tableOutput, unicorn);

/** Every row of the table named by the stack output `tableOutput`. */
export async function scanTable<T>(tableOutput: string): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(new ScanCommand({ TableName: await output(tableOutput), ExclusiveStartKey, ConsistentRead: true }));
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Meters with a thousands separator and one decimal. */
export const meters = (value: number) => `${value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} m`;
