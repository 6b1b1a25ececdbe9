import {
  DescribeExecutionCommand,
  type HistoryEvent,
  paginateGetExecutionHistory,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { AuditRecord } from '../lib/audit-trail.js';
import type { ExecutionFacts } from './evidence-record.js';

/**
 * What Step Functions knows of an execution (its description and whole history, page by page),
 * with the definition it ran and the changes its steps recorded: the facts its evidence record is
 * built from. https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
export async function executionFactsOf(
  sfn: SFNClient,
  executionArn: string,
  runbook: string | undefined,
  definition: unknown,
  changes: readonly AuditRecord[],
): Promise<ExecutionFacts> {
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const input: unknown = JSON.parse(described.input ?? 'null');
  const dispatched = (input as { dispatch?: { runbook?: unknown } } | null)?.dispatch?.runbook;
  const history: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory(
    { client: sfn },
    { executionArn, maxResults: 1000, includeExecutionData: true },
  ))
    history.push(...(page.events ?? []));
  return {
    executionArn,
    name: described.name ?? executionArn.split(':').pop() ?? '',
    // The dispatcher's context names the runbook; a run started otherwise, its state machine.
    runbook:
      runbook ??
      (typeof dispatched === 'string'
        ? dispatched
        : ((described.stateMachineArn ?? '').split(':').pop() ?? '')),
    status: described.status ?? 'UNKNOWN',
    startedAt: described.startDate ?? new Date(0),
    ...(described.stopDate ? { stoppedAt: described.stopDate } : {}),
    input,
    history,
    definition,
    changes,
  };
}
