import { evenly, type InvocationRequest } from './lambda/lambda-invocations.js';

/** Steady or shaped traffic the account serves every minute. */
export type Workload =
  | { readonly kind: 'api'; readonly apiName: string; readonly requestsPerMinute: number }
  | {
      readonly kind: 'alias';
      readonly functionName: string;
      readonly alias: string;
      readonly invocationsPerMinute: number;
    }
  | {
      readonly kind: 'function';
      readonly functionName: string;
      readonly alias?: string;
      readonly invocation: 'sync' | 'async';
      /** Requests per second arriving at `at` (a traffic shape: steady, bursts, a surge). */
      readonly ratePerSecond: (at: Date) => number;
    };

/** The minute's requests of a workload, second by second; API requests go to the alias behind the API. */
export function requestOf(
  workload: Workload,
  minuteStart: Date,
  apiTarget: (apiName: string) => { functionName: string; alias: string },
): InvocationRequest {
  switch (workload.kind) {
    case 'api':
      return { ...apiTarget(workload.apiName), kind: 'sync', perSecond: evenly(workload.requestsPerMinute) };
    case 'alias':
      return {
        functionName: workload.functionName,
        alias: workload.alias,
        kind: 'sync',
        perSecond: evenly(workload.invocationsPerMinute),
      };
    case 'function':
      return {
        functionName: workload.functionName,
        ...(workload.alias ? { alias: workload.alias } : {}),
        kind: workload.invocation,
        perSecond: Array.from({ length: 60 }, (_, s) =>
          workload.ratePerSecond(new Date(minuteStart.getTime() + s * 1000)),
        ),
      };
  }
}
