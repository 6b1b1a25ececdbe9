import {
  type BatchResultErrorEntry,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  batches,
  type Disposition,
  dispositionOf,
  type ReplayContext,
  replayEntry,
} from './replay-entries.js';
import { visibilityChanges } from './visibility-changes.js';

/** Long enough for a batch to be sent and deleted, however the backoff goes, before SQS shows it again. */
const inFlightSeconds = 120;
/** SQS's limit on a message's visibility, counted from its receive: 12 hours. */
const maxVisibilitySeconds = 43_200;

/** The counts one batch adds to. */
export interface BatchCounts {
  replayed: number;
  quarantined: number;
  landedBack: number;
  failedEntries: number;
  /** Messages this run hid in the DLQ (they came back, or the quarantine refused them too). */
  hidden: number;
}

/** What moving one batch needs: the queues, the run's context, its SQS calls (with backoff) and pacing. */
export interface BatchMove {
  readonly run: ReplayContext & {
    readonly dlqUrl: string;
    readonly sourceUrl: string;
    readonly quarantineUrl: string;
  };
  readonly sqs: Pick<SQSClient, 'send'>;
  /** Makes one SQS call, retrying throttling and server errors. */
  readonly call: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Waits until `count` more messages may go to the source queue. */
  readonly paceSource: (count: number) => Promise<void>;
  readonly now: () => Date;
  readonly counts: BatchCounts;
}

type Received = { readonly message: Message; disposition: Disposition };

/**
 * Receives up to `claim` messages from the DLQ and moves them: replays to the source (paced),
 * quarantines what can never succeed, deletes from the DLQ only what SQS confirmed sending, makes
 * failed entries visible again and hides messages that came back. Entry ids are the messages'
 * indexes in the receive throughout. Returns false when the receive found nothing.
 */
export async function moveBatch(move: BatchMove, claim: number): Promise<boolean> {
  const { run, counts } = move;
  const answer = await move.call(() =>
    move.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: run.dlqUrl,
        MaxNumberOfMessages: claim,
        VisibilityTimeout: inFlightSeconds,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    ),
  );
  const receivedAt = move.now().getTime();
  const received: Received[] = (answer.Messages ?? []).map((message) => ({
    message,
    disposition: dispositionOf(message, run),
  }));
  if (received.length === 0) return false;
  const byId = (id: string | undefined) => received[Number(id)];

  const sendAll = async (queueUrl: string, kind: 'replay' | 'quarantine', paced: boolean) => {
    const entries: SendMessageBatchRequestEntry[] = [];
    received.forEach(({ message, disposition }, i) => {
      if (disposition.kind === kind) entries.push(replayEntry(message, String(i), run, disposition));
    });
    const sent: string[] = [];
    const failed: BatchResultErrorEntry[] = [];
    for (const batch of batches(entries)) {
      if (paced) await move.paceSource(batch.length);
      const result = await move.call(() =>
        move.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch })),
      );
      sent.push(...(result.Successful ?? []).map((e) => String(e.Id)));
      failed.push(...(result.Failed ?? []));
    }
    return { sent, failed };
  };

  const toSource = await sendAll(run.sourceUrl, 'replay', true);
  // A sender fault (a body above the source's maximum size, say) can never succeed: quarantine it
  // with SQS's reason at once. Throttling and server faults are retried in a later batch.
  const refusals = new Map(toSource.failed.filter((f) => f.SenderFault).map((f) => [f.Id, f]));
  received.forEach((r, i) => {
    const fault = refusals.get(String(i));
    if (fault) {
      r.disposition = {
        kind: 'quarantine',
        reason: `the source queue refused it: ${fault.Code} ${fault.Message ?? ''}`.trim(),
      };
    }
  });
  const toQuarantine = await sendAll(run.quarantineUrl, 'quarantine', false);
  const retryLater = [...toSource.failed, ...toQuarantine.failed].filter((f) => !f.SenderFault);
  // Refused by the quarantine too: left in the DLQ, out of this run's way, for people to look at.
  const unsendable = toQuarantine.failed.filter((f) => f.SenderFault);

  // Only what SQS confirmed sending leaves the DLQ.
  const confirmed = [...toSource.sent, ...toQuarantine.sent];
  if (confirmed.length) {
    const deleted = await move.call(() =>
      move.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: run.dlqUrl,
          Entries: confirmed.map((id) => ({ Id: id, ReceiptHandle: byId(id)?.message.ReceiptHandle })),
        }),
      ),
    );
    for (const { Id } of deleted.Successful ?? []) {
      if (byId(Id)?.disposition.kind === 'replay') counts.replayed += 1;
      else counts.quarantined += 1;
    }
    // Sent but still in the DLQ: it comes back after the receive's timeout and is sent again (its
    // original id lets consumers drop the copy).
    counts.failedEntries += deleted.Failed?.length ?? 0;
  }
  const landedBack = received.filter((r) => r.disposition.kind === 'landed-back');
  counts.failedEntries += retryLater.length + unsendable.length;
  counts.landedBack += landedBack.length;
  // SQS caps a message's visibility at 12 hours from its receive.
  const hideSeconds = Math.max(
    0,
    maxVisibilitySeconds - Math.ceil((move.now().getTime() - receivedAt) / 1000) - inFlightSeconds,
  );
  const releases = [
    ...retryLater.map((f) => ({ message: byId(f.Id)?.message, seconds: 0 })),
    ...[...landedBack, ...unsendable.map((f) => byId(f.Id))].map((r) => ({
      message: r?.message,
      seconds: hideSeconds,
    })),
  ].filter((r): r is { message: Message; seconds: number } => r.message !== undefined);
  // Failed entries become visible again at once; messages that came back stay out of this run's way.
  if (releases.length) {
    const changed = await move.call(() => move.sqs.send(visibilityChanges(run.dlqUrl, releases)));
    counts.failedEntries += changed.Failed?.length ?? 0;
    counts.hidden += (changed.Successful ?? []).filter(
      ({ Id }) => (releases[Number(Id)]?.seconds ?? 0) > 0,
    ).length;
  }
  return true;
}
