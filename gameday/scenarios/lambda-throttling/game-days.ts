import type { SimulatedAccount } from '../../account/simulated-account.js';
import type { Scenario } from '../../scenario.js';
import { createExperiments } from '../game-day-experiments.js';
import {
  type ConcurrencyFinalState,
  type ConcurrencyWorld,
  concurrencyWorld,
  type ThrottlingOutcome,
  throttlingGameDay,
} from './concurrency-world.js';
import {
  ordersBlastRadius,
  slowDependencyFault,
  slowedFunction,
  throttlingExperiments,
} from './throttling-faults.js';

/** From the fault on, `every` minutes a burst of `rate` requests a second lasts `minutes` minutes. */
function bursts(account: SimulatedAccount, rate: number, base: number, every: number, minutes: number) {
  const from = account.clock.now().getTime();
  return (at: Date) => (((at.getTime() - from) / 60_000) % every < minutes ? rate : base);
}

/** A queue whose consumer has a small reservation and an event source without a maximum concurrency. */
function invoiceQueue(account: SimulatedAccount): ConcurrencyWorld {
  const world = concurrencyWorld(account, {
    functions: [{ name: 'invoice-consumer', durationMs: 2_000, reserved: 5, rate: 0 }],
    target: 'invoice-consumer',
  });
  const dlqUrl = account.sqs.createQueue({ QueueName: 'invoices-dlq' }).QueueUrl;
  const dlqArn = account.sqs.arnOf(dlqUrl);
  const url = account.sqs.createQueue({
    QueueName: 'invoices',
    Attributes: {
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
    },
  }).QueueUrl;
  const arn = account.sqs.arnOf(url);
  account.lambda.mapEventSource(arn, 'invoice-consumer', { batchSize: 10 });
  account.sqs.attachConsumer(url, {
    functionName: 'invoice-consumer',
    perMinute: 100_000,
    durationMs: 2_000,
    handles: () => true,
    onMinute: (invocations, errors, at, throttles) =>
      account.lambda.invocations.recordInvocations('invoice-consumer', invocations, errors, at, throttles),
  });
  account.sqs.addProducer(url, 40, (n) => JSON.stringify({ invoice: n }));
  return world;
}

const base = { ...throttlingGameDay, environment: 'dev' } as const;

/** payments-api, capped by a reservation of 20 at 60 requests a second. */
const payments = (account: SimulatedAccount) =>
  concurrencyWorld(account, {
    functions: [{ name: 'payments-api', alias: 'live', durationMs: 200, reserved: 20, rate: 60 }],
    target: 'payments-api',
  });

/** ticket-sale behind alias live, in an account of 3,000. */
const ticketSale = (account: SimulatedAccount) =>
  concurrencyWorld(account, {
    accountLimit: 3_000,
    functions: [{ name: 'ticket-sale', alias: 'live', durationMs: 1_000, rate: 20 }],
    target: 'ticket-sale',
    alarmMinutes: 1,
  });

/** From now on, 1,500 requests a second on ticket-sale every ten minutes, for two minutes. */
function ticketBursts(account: SimulatedAccount, world: ConcurrencyWorld): string {
  world.rates.set('ticket-sale', bursts(account, 1_500, 20, 10, 2));
  return 'ticket-sale gets bursts of 1,500 requests a second for 2 minutes every 10 minutes (account limit 3,000)';
}

/** From now on, invoices arrive at 600 a minute. */
function invoiceSurge(account: SimulatedAccount): string {
  account.sqs.addProducer(account.sqs.getQueueUrl({ QueueName: 'invoices' }).QueueUrl, 560, (n) =>
    JSON.stringify({ invoice: 1_000_000 + n }),
  );
  return 'invoices arrive at 600 a minute instead of 40';
}

/** A change that does not stop the throttles is put back exactly, and on-call is paged. */
const revertedAndEscalated = {
  runbookOutcome: 'escalated',
  change: 'none',
  throttling: 'continues',
  changes: 2,
} as const;

/** The lambda-throttling game days, one for each cause a human would otherwise hunt for in four consoles. */
export const lambdaThrottlingScenarios: readonly Scenario<
  ConcurrencyWorld,
  ThrottlingOutcome,
  ConcurrencyFinalState
>[] = [
  {
    ...base,
    id: 'reserved-too-low',
    description:
      'A campaign more than doubles traffic on a function capped by its reservation; the runbook raises the reservation within the guardrails.',
    setup: payments,
    inject: (_account, world) => {
      world.rates.set('payments-api', () => 150);
      return 'payments-api traffic rises from 60 to 150 requests a second (30 concurrent, reserved 20)';
    },
    expected: {
      runbookOutcome: 'remediated',
      cause: 'function-cap',
      change: "set payments-api's reserved concurrency from 20 to 40",
      throttling: 'stopped',
      changes: 1,
    },
  },
  {
    ...base,
    id: 'account-exhausted',
    description:
      'Ten batch functions reserve 800 of the account’s 1,000; a busy search function runs out of the rest. Raising anything would starve others: escalated with a quota request.',
    setup: (account) =>
      concurrencyWorld(account, {
        functions: [
          { name: 'search-api', alias: 'live', durationMs: 500, rate: 50 },
          ...Array.from({ length: 10 }, (_, i) => ({
            name: `batch-${i + 1}`,
            durationMs: 1_000,
            reserved: 80,
            rate: 10,
          })),
          ...Array.from({ length: 3 }, (_, i) => ({ name: `web-${i + 1}`, durationMs: 200, rate: 100 })),
        ],
        target: 'search-api',
      }),
    inject: (_account, world) => {
      world.rates.set('search-api', () => 350);
      return 'search-api traffic rises from 50 to 350 requests a second (175 concurrent) with 200 left unreserved';
    },
    expected: {
      runbookOutcome: 'escalated',
      cause: 'account-exhausted',
      change: 'none',
      throttling: 'continues',
      changes: 0,
    },
  },
  {
    ...base,
    id: 'noisy-neighbour',
    environment: 'prod',
    description:
      'A report job without a reservation takes the whole unreserved pool and checkout is throttled; the runbook proposes capping the job, a human approves.',
    setup: (account) =>
      concurrencyWorld(account, {
        functions: [
          { name: 'checkout-api', alias: 'live', durationMs: 300, rate: 100 },
          { name: 'report-generator', durationMs: 500, rate: 0 },
        ],
        target: 'checkout-api',
      }),
    inject: (_account, world) => {
      world.rates.set('report-generator', () => 2_000);
      return 'report-generator starts a run: 2,000 requests a second (1,000 concurrent), no reservation';
    },
    expected: {
      runbookOutcome: 'remediated',
      cause: 'noisy-neighbour',
      change: "set report-generator's reserved concurrency from none to 485",
      throttling: 'stopped',
      changes: 1,
    },
  },
  {
    ...base,
    id: 'cold-burst',
    description:
      'Ticket sales open every ten minutes: 1,500 requests a second arrive faster than Lambda adds environments; provisioned concurrency on the alias absorbs the next burst.',
    setup: ticketSale,
    inject: ticketBursts,
    expected: {
      runbookOutcome: 'remediated',
      cause: 'cold-burst',
      change: 'provision 1000 concurrency on ticket-sale:live (was none; about $7.50 an hour)',
      throttling: 'stopped',
      changes: 1,
    },
  },
  {
    ...base,
    id: 'latency-driven',
    description:
      'A dependency slows from 200 ms to 2 s; concurrency rises with it and hits the reservation. More capacity would feed the fire: escalated with the evidence.',
    setup: (account) => {
      const world = concurrencyWorld(account, {
        functions: [{ name: slowedFunction, alias: 'live', durationMs: 200, reserved: 60, rate: 50 }],
        target: slowedFunction,
      });
      account.cloudwatch.putMetricAlarm(ordersBlastRadius);
      createExperiments(account, throttlingExperiments);
      return world;
    },
    // Closed-loop: FIS slows every invocation, here and in a sandbox (`gameday run latency-driven`).
    fault: slowDependencyFault,
    watchAlarm: `${slowedFunction}-throttles`,
    expected: {
      runbookOutcome: 'escalated',
      cause: 'latency-driven',
      change: 'none',
      throttling: 'continues',
      changes: 0,
    },
  },
  {
    ...base,
    id: 'sqs-consumer-throttled',
    description:
      'A surge of invoices; the SQS event source polls far beyond the consumer’s reservation of 5 and throttled batches head for the DLQ. The runbook caps the event source at the reservation.',
    setup: invoiceQueue,
    inject: invoiceSurge,
    expected: {
      runbookOutcome: 'remediated',
      cause: 'sqs-consumer-over-cap',
      change: "set invoice-consumer's SQS event source maximum concurrency from unset to 5",
      throttling: 'stopped',
      changes: 1,
    },
  },
  {
    ...base,
    id: 'raise-not-enough',
    description:
      'Traffic on payments-api keeps climbing past what the guardrails let the runbook reserve: the raised reservation does not stop the throttles, so it is put back exactly as it was and on-call is paged.',
    setup: payments,
    inject: (_account, world) => {
      world.rates.set('payments-api', () => 500);
      return 'payments-api traffic rises from 60 to 500 requests a second (100 concurrent, reserved 20)';
    },
    expected: { ...revertedAndEscalated, cause: 'function-cap' },
  },
  {
    ...base,
    id: 'provisioning-fails',
    description:
      'Ticket sales burst as in cold-burst, but the provisioned environments fail to initialise (FAILED): the runbook removes the configuration again and escalates.',
    setup: ticketSale,
    inject: (account, world) => {
      account.lambda.concurrency.provisioningFailure = 'FUNCTION_ERROR_INIT_FAILURE';
      return `${ticketBursts(account, world)}; provisioned environments of ticket-sale fail to initialise`;
    },
    expected: { ...revertedAndEscalated, cause: 'cold-burst' },
  },
  {
    ...base,
    id: 'event-source-cap-not-enough',
    description:
      'An invoice surge, and an API calling invoice-consumer directly too: capping the SQS event source at the reservation leaves the direct calls throttled, so the cap is taken off again and on-call is paged.',
    setup: invoiceQueue,
    inject: (account, world) => {
      world.rates.set('invoice-consumer', () => 5);
      return `${invoiceSurge(account)}; an API also calls invoice-consumer 5 times a second`;
    },
    expected: { ...revertedAndEscalated, cause: 'sqs-consumer-over-cap' },
  },
];
