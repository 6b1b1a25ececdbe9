import type { ConcurrencyChange } from './contract.js';

/** The AWS CLI command that puts back exactly what `change` replaces. */
export function restoreCommand(change: ConcurrencyChange): string {
  const fn = `--function-name ${change.functionName}`;
  switch (change.kind) {
    case 'reserved-concurrency':
      return change.from === null
        ? `aws lambda delete-function-concurrency ${fn}`
        : `aws lambda put-function-concurrency ${fn} --reserved-concurrent-executions ${change.from}`;
    case 'provisioned-concurrency':
      return change.from === null
        ? `aws lambda delete-provisioned-concurrency-config ${fn} --qualifier ${change.qualifier}`
        : `aws lambda put-provisioned-concurrency-config ${fn} --qualifier ${change.qualifier} --provisioned-concurrent-executions ${change.from}`;
    case 'event-source-max-concurrency':
      return change.from === null
        ? `aws lambda update-event-source-mapping --uuid ${change.uuid} --scaling-config '{}'`
        : `aws lambda update-event-source-mapping --uuid ${change.uuid} --scaling-config MaximumConcurrency=${change.from}`;
  }
}

/** A change as people read it. */
export function describeChange(change: ConcurrencyChange): string {
  switch (change.kind) {
    case 'reserved-concurrency':
      return `set ${change.functionName}'s reserved concurrency from ${change.from ?? 'none'} to ${change.to}`;
    case 'provisioned-concurrency':
      return `provision ${change.to} concurrency on ${change.functionName}:${change.qualifier} (was ${change.from ?? 'none'}; about $${change.hourlyCostUsd.toFixed(2)} an hour)`;
    case 'event-source-max-concurrency':
      return `set ${change.functionName}'s SQS event source maximum concurrency from ${change.from ?? 'unset'} to ${change.to}`;
  }
}
