import { type StepName, stepNames } from '../handlers/steps.js';
import type { AslTaskState } from './asl-types.js';
import { functionArnPlaceholder } from './render-asl.js';

/**
 * The step handler a Task state invokes: read from its function ARN placeholder, either the
 * Resource itself (direct invoke) or `Parameters.FunctionName` (the `lambda:invoke` integrations).
 */
export function stepOfTask(state: AslTaskState): StepName | undefined {
  const functionRef = state.Resource.startsWith('arn:aws:states:::lambda:invoke')
    ? state.Parameters?.FunctionName
    : state.Resource;
  return stepNames.find((step) => functionRef === functionArnPlaceholder(step));
}
