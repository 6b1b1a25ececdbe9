import { api5xxSpike } from './api-5xx-spike/runbook.js';
import { dlqReplay } from './dlq-replay/runbook.js';
import { lambdaThrottling } from './lambda-throttling/runbook.js';
import { queueVisibility } from './queue-visibility/runbook.js';
import { runtimeUpgrade } from './runtime-upgrade/runbook.js';
import { secretRotation } from './secret-rotation/runbook.js';

/**
 * The runbook catalogue: every runbook the platform deploys, in the order people see them. The one
 * list of runbooks: steps, state machines, game days, the dispatcher's configuration, Slack and the
 * CLI all derive from it, so adding a runbook is adding its folder and a line here.
 */
export const runbooks = [
  api5xxSpike,
  dlqReplay,
  lambdaThrottling,
  secretRotation,
  runtimeUpgrade,
  queueVisibility,
] as const;

/** The id of a catalogued runbook. */
export type RunbookId = (typeof runbooks)[number]['id'];
