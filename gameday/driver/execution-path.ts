import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

/** The states an execution entered, those whose work failed, and the last one entered. */
export interface ExecutionPath {
  readonly visited: readonly string[];
  readonly failed: readonly string[];
  readonly endedAt: string | null;
}

/** History events that say the current state's work failed (its Catch or Retry may still handle it). */
const failureTypes = new Set([
  'TaskFailed',
  'TaskTimedOut',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
]);

/**
 * The path an execution took, from its history as Step Functions records it: every
 * `<Type>StateEntered` names a state, and a failure event belongs to the state entered last
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html).
 */
export function pathOf(events: readonly HistoryEvent[]): ExecutionPath {
  const visited: string[] = [];
  const failed: string[] = [];
  let current: string | null = null;
  for (const event of events) {
    const entered = event.type?.endsWith('StateEntered') ? event.stateEnteredEventDetails?.name : undefined;
    if (entered) {
      current = entered;
      if (!visited.includes(entered)) visited.push(entered);
    } else if (current && failureTypes.has(event.type ?? '') && !failed.includes(current)) {
      failed.push(current);
    }
  }
  return { visited, failed, endedAt: current };
}

/** Reads an execution's whole history, page by page, and returns the path it took. */
export async function executionPath(sfn: SFNClient, executionArn: string): Promise<ExecutionPath> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return pathOf(events);
}
