import type { ActivityStream } from './activity/stream.ts';

/**
 * The services of one local cloud, as the other services and CloudFormation's providers reach
 * them. Each service adds its own fields from its `cloud-service.ts` (declaration merging), so
 * adding a service touches its folder and the registry only. Services we own are called
 * directly; the reused emulators (fauxqs, dynalite, kinesalite) through their own API with SDK
 * clients pointed at their internal addresses.
 */
export interface CloudServices {
  /** The activity stream (not EventBridge: that is `eventBridge`). */
  activity: ActivityStream;
}
