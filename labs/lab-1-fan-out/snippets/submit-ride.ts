import { callApi, output, print } from '../../kit/index.ts';
import { SAMPLE_RIDE } from '../sample-ride.ts';

/** Submits a completed ride through the API, as the Wild Rydes app does. */
export default async function submitRide() {
  const url = await output('SubmitRideUrl');
  print(`POST ${url}`);
  print(JSON.stringify(SAMPLE_RIDE));
  const response = await callApi(url, { body: SAMPLE_RIDE });
  print(`→ ${response.status} ${response.text}`);
}
