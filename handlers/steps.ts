/**
 * Every step handler by name, and the module (under `handlers/`, exporting `handler`) it is
 * deployed from: `<runbook-id>/` for a step one runbook uses, `shared/` for steps several use.
 * Definitions, the ASL renderer and the CDK app refer to steps by these names; nothing here loads
 * a handler.
 */
export const stepModules = {
  'gather-evidence': 'api-5xx-spike/gather-evidence',
  'decide-remediation': 'api-5xx-spike/decide-remediation',
  'rollback-alias': 'api-5xx-spike/rollback-alias',
  'verify-recovery': 'api-5xx-spike/verify-recovery',
  'build-report': 'api-5xx-spike/build-report',
  'inspect-dlq': 'dlq-replay/inspect-dlq',
  'plan-replay': 'dlq-replay/plan-replay',
  'start-move-task': 'dlq-replay/start-move-task',
  'check-move-task': 'dlq-replay/check-move-task',
  'replay-batch': 'dlq-replay/replay-batch',
  'report-replay': 'dlq-replay/report-replay',
  'gather-concurrency-evidence': 'lambda-throttling/gather-concurrency-evidence',
  'decide-throttling-fix': 'lambda-throttling/decide-throttling-fix',
  'apply-concurrency-change': 'lambda-throttling/apply-concurrency-change',
  'check-provisioned-concurrency': 'lambda-throttling/check-provisioned-concurrency',
  'verify-throttles': 'lambda-throttling/verify-throttles',
  'revert-concurrency-change': 'lambda-throttling/revert-concurrency-change',
  'report-throttling': 'lambda-throttling/report-throttling',
  'inspect-secret': 'secret-rotation/inspect-secret',
  'clear-stale-pending': 'secret-rotation/clear-stale-pending',
  'start-rotation': 'secret-rotation/start-rotation',
  'check-rotation': 'secret-rotation/check-rotation',
  'check-consumers': 'secret-rotation/check-consumers',
  'roll-back-rotation': 'secret-rotation/roll-back-rotation',
  'report-rotation': 'secret-rotation/report-rotation',
  'plan-upgrade': 'runtime-upgrade/plan-upgrade',
  'update-configuration': 'runtime-upgrade/update-configuration',
  'check-update': 'runtime-upgrade/check-update',
  'publish-version': 'runtime-upgrade/publish-version',
  'smoke-test': 'runtime-upgrade/smoke-test',
  'set-alias-routing': 'runtime-upgrade/set-alias-routing',
  'compare-versions': 'runtime-upgrade/compare-versions',
  'report-upgrade': 'runtime-upgrade/report-upgrade',
  'request-approval': 'shared/request-approval',
  escalate: 'shared/escalate',
  'release-lease': 'shared/release-lease',
} as const;

export type StepName = keyof typeof stepModules;

export const stepNames = Object.keys(stepModules) as StepName[];
