/**
 * The package's public face, for platform teams who keep their own runbooks in their own
 * repository: declare runbooks and steps, build their state machines from our fragments, deploy
 * them beside the built-in ones with the CDK app, and run their game days on the simulated account.
 * Anything not exported here is internal and may change in any release.
 */

// Game days on the simulated account.
export { SimulatedAccount } from './gameday/account/simulated-account.js';
export { formatResult } from './gameday/format-result.js';
export { type RunOptions, runScenario, type ScenarioResult } from './gameday/run-scenario.js';
export { type RunFacts, runbookOutcomeOf, type Scenario } from './gameday/scenario.js';
export { scenarios } from './gameday/scenarios/catalogue.js';
// Declaring runbooks, their steps and the AWS events that start them.
export {
  defineTrigger,
  type EventTrigger,
  type TriggerAnswer,
  type TriggerPattern,
} from './handlers/dispatcher/event-trigger.js';
export { type ApprovalMode, approvalModes } from './handlers/lib/approval-mode.js';
export { foundMade } from './handlers/lib/audit-trail.js';
export {
  defineFunction,
  defineStep,
  type Permission,
  type ResourceKind,
  type StepDeclaration,
} from './handlers/lib/define-step.js';
export {
  ConfigurationChangedError,
  InvalidInputError,
  PlatformError,
  TargetNotResolvedError,
} from './handlers/lib/errors.js';
export { parseInput } from './handlers/lib/parse-input.js';
export { type AwsResponse, requestIdsOf } from './handlers/lib/request-ids.js';
export {
  nonEmptyString,
  nonNegativeInt,
  positiveInt,
  share,
  timestampString,
} from './handlers/lib/schemas.js';
export { type Environment, environments, type StepCore, type StepDeps } from './handlers/lib/step-deps.js';
export { parseTarget, type Target, type TargetKind, targetKey } from './handlers/lib/targets.js';
export { step as changeGate } from './handlers/shared/change-gate.js';
export { step as escalate } from './handlers/shared/escalate.js';
export { step as releaseLease } from './handlers/shared/release-lease.js';
export { step as requestApproval } from './handlers/shared/request-approval.js';
// Deploying: the whole CDK app, or the platform stack in an app of one's own.
export { type AppOptions, createApp } from './infra/app.js';
export { Dispatcher, type DispatcherProps } from './infra/dispatcher.js';
export { RunbookStateMachine, type RunbookStateMachineProps } from './infra/runbook-state-machine.js';
export { RunbooksStack, type RunbooksStackProps } from './infra/runbooks-stack.js';
// The built-in runbooks.
export { type RunbookId, runbooks } from './runbooks/catalogue.js';
export { defineRunbook, InvalidRunbookError } from './runbooks/define-runbook.js';
export { definitions, loadDefinitions } from './runbooks/definitions.js';
// State machine fragments every runbook's definition is built from.
export { ApprovalStep, type ApprovalStepProps } from './runbooks/fragments/approval-step.js';
export { endWithReport } from './runbooks/fragments/runbook-end.js';
export { escalateStep, type TaskStepProps, taskStep } from './runbooks/fragments/task-step.js';
export type {
  AnyStep,
  ApproverTier,
  Runbook,
  RunbookDefinition,
  RunbookFunctions,
  RunbookModule,
  RunbookTrigger,
} from './runbooks/runbook.js';
