import { stepOfLogicalName } from '../handlers/steps.js';
import type { AslTaskState } from './asl-types.js';

/**
 * The name of the step a Task state invokes, read from its function ARN placeholder
 * (`${GatherEvidenceFunctionArn}`), either the Resource itself (direct invoke) or
 * `Parameters.FunctionName` (the `lambda:invoke` integrations); undefined when it names none.
 */
export function stepOfTask(state: AslTaskState): string | undefined {
  const functionRef = state.Resource.startsWith('arn:aws:states:::lambda:invoke')
    ? state.Parameters?.FunctionName
    : state.Resource;
  const placeholder = /^\$\{([A-Z][A-Za-z]*)FunctionArn\}$/.exec(String(functionRef ?? ''));
  return placeholder?.[1] ? stepOfLogicalName(placeholder[1]) : undefined;
}
