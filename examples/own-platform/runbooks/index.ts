import { timeoutFloor } from './timeout-floor/runbook.js';

/** This team's runbooks, deployed and game-dayed beside the built-in ones. */
export const ownRunbooks = [timeoutFloor] as const;
