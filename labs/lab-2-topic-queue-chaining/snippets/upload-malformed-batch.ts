import { PutObjectCommand } from '@aws-sdk/client-s3';
import { output, print, s3 } from '../../kit/index.ts';
import { sampleBatch } from '../sample-batch.ts';

/** Uploads a batch file with a broken ride (its fare is text): the worker must reject it with the reason, not crash and not drop it. */
export default async function uploadMalformedBatch() {
  const bucket = await output('RideBatchBucketName');
  const batch = sampleBatch('Careless Unicorns', 3);
  const rides: unknown[] = [...batch.rides];
  rides[1] = { ...batch.rides[1], fare: 'twenty-one fifty' };
  const key = `incoming/careless-unicorns/${batch.batchId}.json`;
  await s3().send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify({ ...batch, rides }), ContentType: 'application/json' }),
  );
  print(
    `Uploaded s3://${bucket}/${key}, whose ride 2 has the fare "twenty-one fifty". Watch the worker dead-letter it, then find it with inspect-dead-letters.`,
  );
}
