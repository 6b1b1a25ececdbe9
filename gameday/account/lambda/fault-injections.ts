/** What FIS's Lambda extension does to a share of a function's invocations while an action runs. */
export type LambdaFault =
  | { readonly kind: 'invocation-error'; readonly share: number }
  | { readonly kind: 'invocation-add-delay'; readonly share: number; readonly delayMs: number }
  | {
      readonly kind: 'invocation-http-integration-response';
      readonly share: number;
      readonly statusCode: number;
    };

/** A version's behaviour under the faults injected on its function. */
export interface FaultedBehaviour {
  readonly errorRate: number;
  readonly durationMs: number;
  /** Share of calls answered with an injected 5XX status: the API sees an error, Lambda does not. */
  readonly statusErrorRate: number;
}

/**
 * Faults injected into functions' invocations by experiments, keyed by experiment, applied on top
 * of each version's own behaviour (https://docs.aws.amazon.com/fis/latest/userguide/use-lambda-actions.html).
 * Where identical actions overlap, AWS says the earliest wins; different ones combine here.
 */
export class FaultInjections {
  private readonly active = new Map<string, { functionName: string; fault: LambdaFault }[]>();

  inject(experimentId: string, functionName: string, fault: LambdaFault): void {
    const list = this.active.get(experimentId) ?? [];
    list.push({ functionName, fault });
    this.active.set(experimentId, list);
  }

  clear(experimentId: string): void {
    this.active.delete(experimentId);
  }

  /** Faults acting on a function now, the earliest of each kind. */
  of(functionName: string): LambdaFault[] {
    const byKind = new Map<string, LambdaFault>();
    for (const list of this.active.values())
      for (const entry of list)
        if (entry.functionName === functionName && !byKind.has(entry.fault.kind))
          byKind.set(entry.fault.kind, entry.fault);
    return [...byKind.values()];
  }

  apply(functionName: string, behaviour: { errorRate: number; durationMs: number }): FaultedBehaviour {
    let { errorRate, durationMs } = behaviour;
    let statusErrorRate = 0;
    for (const fault of this.of(functionName)) {
      switch (fault.kind) {
        case 'invocation-error':
          errorRate = 1 - (1 - errorRate) * (1 - fault.share);
          break;
        case 'invocation-add-delay':
          durationMs += fault.share * fault.delayMs;
          break;
        case 'invocation-http-integration-response':
          if (fault.statusCode >= 500) statusErrorRate = fault.share;
          break;
      }
    }
    return { errorRate, durationMs, statusErrorRate };
  }
}
