import { dispatchAlarm } from './dispatch-alarm.js';
import type { DispatcherDeps } from './dispatcher-config.js';
import { dispatchHealthEvent, isHealthEvent } from './health-event.js';
import type { DispatchOutcome } from './launch.js';
import { startManually } from './manual-start.js';
import { dispatchRotationFailure, isSecretsManagerEvent } from './rotation-failed.js';
import { isStartRequest, manualStartOf } from './start-request.js';

/**
 * Everything the dispatcher is sent, to the launch that fits: start requests (people, schedules),
 * Secrets Manager's failed rotations, AWS Health runtime notices (one start per function named),
 * and CloudWatch alarm state changes (anything else is refused there as a malformed alarm event).
 */
export async function dispatchEvent(event: unknown, deps: DispatcherDeps): Promise<DispatchOutcome[]> {
  if (isStartRequest(event)) return [await startManually(manualStartOf(event), deps)];
  if (isSecretsManagerEvent(event)) return [await dispatchRotationFailure(event, deps)];
  if (isHealthEvent(event)) return dispatchHealthEvent(event, deps);
  return [await dispatchAlarm(event, deps)];
}
