import type { Checkpoint } from '../kit/index.ts';
import { orderedMessagingCheckpoints } from './checks/ordered-messaging.ts';
import { streamingCheckpoints } from './checks/streaming.ts';

/** Steps 1–2 check the ordered-messaging half, steps 3–6 the streaming half. */
export const checkpoints: Checkpoint[] = [...orderedMessagingCheckpoints, ...streamingCheckpoints];
