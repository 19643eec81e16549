import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { output, ssm } from '../kit/index.ts';
import { SERVICES } from './services.ts';

/** Sets the share of rides (in %) every consumer service fails on purpose; 0 fails none. */
export async function setFailurePercent(percent: number): Promise<string> {
  const name = await output('FailureSwitchParameterName');
  const value = percent > 0 ? JSON.stringify(Object.fromEntries(SERVICES.map((s) => [s.name, percent]))) : '{}';
  await ssm().send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  return `${name} = ${value}`;
}
