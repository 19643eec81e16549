import { PutObjectCommand } from '@aws-sdk/client-s3';
import { output, print, s3 } from '../../kit/index.ts';
import { sampleBatch } from '../sample-batch.ts';

/** Uploads a partner's batch file of 20 rides to the bucket, as the Unicorn fleets of the north do each night. */
export default async function uploadBatch() {
  const bucket = await output('RideBatchBucketName');
  const batch = sampleBatch('Unicorns of the North', 20);
  const key = `incoming/unicorns-of-the-north/${batch.batchId}.json`;
  await s3().send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(batch, null, 2), ContentType: 'application/json' }),
  );
  print(
    `Uploaded s3://${bucket}/${key} (${batch.rides.length} rides). S3 puts an event on RideBatchQueue; the worker reads the file and ingests it.`,
  );
}
