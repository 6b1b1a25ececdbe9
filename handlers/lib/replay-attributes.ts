/**
 * Message attributes a replay adds, so consumers can deduplicate and people can trace a message.
 * SQS allows ten message attributes; a replay adds at most three.
 */
export const replayAttributes = {
  /** The message id the message had when it first failed; stays the same across replays. */
  originalId: 'runbook-original-message-id',
  /** How often the message was replayed. */
  replayCount: 'runbook-replay-count',
  /** The execution that replayed it last: a message carrying ours came back during this run. */
  execution: 'runbook-replay-execution',
  /** The execution that put it in quarantine. */
  quarantinedBy: 'runbook-quarantined-by',
} as const;
