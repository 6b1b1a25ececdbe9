import type { Approver } from '../state-machines/local-executor.js';
import type { SimulatedStepFunctions } from './account/simulated-step-functions.js';

/**
 * Approvals answered through the Step Functions API, as in AWS: an approval task waits until
 * SendTaskSuccess or SendTaskFailure arrives for its token (from the Slack endpoints, say), or until
 * its timeout has passed in real time, `msPerSecond` real milliseconds per second of timeout.
 */
export function callbackApprover(stepFunctions: SimulatedStepFunctions, msPerSecond = 1000): Approver {
  return async (request) => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      // A person's answer comes through the server, which keeps the process alive; the approval's
      // deadline alone must not hold it open once the server is closed.
      timer = setTimeout(resolve, request.timeoutSeconds * msPerSecond).unref();
    });
    const answer = await stepFunctions.awaitTask(request.taskToken, timedOut);
    clearTimeout(timer);
    if (!answer) return { decision: 'no-answer' };
    const afterSeconds = Math.round((performance.now() - started) / msPerSecond);
    if (answer.kind === 'failure') {
      return { decision: 'fail', error: answer.error, cause: answer.cause, afterSeconds };
    }
    const output: unknown = JSON.parse(answer.output);
    const by = (output as { approvedBy?: unknown } | null)?.approvedBy;
    return { decision: 'approve', by: typeof by === 'string' ? by : 'unknown', afterSeconds, output };
  };
}
