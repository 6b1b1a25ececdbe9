import type { AwsClients } from '../../handlers/lib/aws-clients.js';

/** How the driver reaches an account (the simulated one, or a sandbox) and waits in it. */
export interface DriverDeps {
  readonly clients: Pick<AwsClients, 'fis' | 'lambda' | 'cloudwatch' | 'sfn' | 'dynamodb'>;
  readonly now: () => Date;
  /**
   * Waits; with a signal, rejects as soon as the run is interrupted. Clean-up waits without one,
   * so an interruption never cuts the clean-up short.
   */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Interrupts the run (Ctrl-C): checked between phases as well as while waiting. */
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
  /** `auto`: answer the runbook's approval requests (sandbox only); `slack`: leave them to people. */
  readonly approve: 'auto' | 'slack';
  /** The approval requests table, for `approve: 'auto'`. */
  readonly approvalTable?: string;
  /** Seconds between polls. Default: 30. */
  readonly pollSeconds?: number;
}
