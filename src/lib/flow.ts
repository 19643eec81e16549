// The message-flow view's words come from the activity vocabulary, shared with the cloud that
// emits it (src/shared/activity.ts imports nothing, so the site pulls in no cloud code).
import { type Activity, describeActivity, type Line, SHOWN_ACTIVITY, shortName } from '../shared/activity';

/** One activity as the local cloud streams it. */
export type FlowEvent = Activity;

export { shortName };

/** The `service.type` names the view listens for on the stream (every kind it has words for). */
export const SHOWN_EVENTS: readonly string[] = SHOWN_ACTIVITY;

/** What the message-flow view shows of an activity, or undefined for one it leaves out. */
export function describeEvent(event: FlowEvent): Line | undefined {
  return describeActivity(event);
}
