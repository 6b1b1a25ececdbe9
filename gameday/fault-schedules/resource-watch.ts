import { CallFaults, type FaultScheduleOptions, type InjectedFault } from '../account/faults/call-faults.js';
import type { SimulatedAccount } from '../account/simulated-account.js';
import { type ResourceState, resourceStateOf } from './resource-state.js';

/** The resource states a run under a fault schedule went through, and the faults it met. */
export interface WatchedRun {
  /** The workload's state as each execution was started (the first: before any runbook acted). */
  readonly atStarts: readonly ResourceState[];
  readonly final: ResourceState;
  readonly injected: readonly InjectedFault[];
  /** The platform's AWS calls from the fault on. */
  readonly calls: number;
}

/**
 * Puts a fault schedule on a game day's accounts (their platform calls) and watches the workload
 * account's resource state: as each execution starts, and at the end.
 */
export class ResourceWatch {
  private readonly faults: CallFaults;
  private readonly atStarts: ResourceState[] = [];
  private secretVersions: string[] | undefined;

  constructor(
    private readonly workload: SimulatedAccount,
    schedule: FaultScheduleOptions,
  ) {
    this.faults = new CallFaults(schedule);
  }

  /** From now on, the platform's calls in these accounts meet the schedule's faults. */
  arm(accounts: readonly SimulatedAccount[]): void {
    for (const account of accounts) account.faults = this.faults;
  }

  /** An execution was started: the state it starts from. */
  started(): void {
    const { state, secretVersions } = resourceStateOf(this.workload, this.secretVersions);
    this.secretVersions ??= secretVersions;
    this.atStarts.push(state);
  }

  /** The run is over: faults off, and what it went through. */
  finish(accounts: readonly SimulatedAccount[]): WatchedRun {
    for (const account of accounts) account.faults = undefined;
    if (this.atStarts.length === 0) this.started();
    return {
      atStarts: this.atStarts,
      final: resourceStateOf(this.workload, this.secretVersions).state,
      injected: this.faults.injected,
      calls: this.faults.calls,
    };
  }
}
