import type { AnyAwsClient } from '../../handlers/lib/aws-clients.js';

/** Operations of one simulated service, by SDK command name without the `Command` suffix. */
export type SimulatedOperations = Readonly<Record<string, (input: never) => unknown>>;

/** Answers an SDK call: the service (by client name, e.g. `LambdaClient`) and operation to run. */
export type OperationLookup = (
  clientName: string,
  operation: string,
) => ((input: unknown) => unknown) | undefined;

interface HandlerContext {
  readonly clientName?: string;
  readonly commandName?: string;
}

type Middleware = (
  next: (args: { input: unknown }) => Promise<unknown>,
  context: HandlerContext,
) => (args: { input: unknown }) => Promise<{ output: unknown; response: unknown }>;

interface MiddlewareStackLike {
  add(middleware: Middleware, options: { step: 'initialize'; name: string; priority: 'high' }): void;
}

/** Checks a call before it runs: throws the service's AccessDenied error when IAM refuses it. */
export type CallAuthorizer = (clientName: string, operation: string, input: unknown) => Promise<void>;

/** Runs an authorized call, and may fail it before or after it takes effect (see CallFaults). */
export type CallWrapper = <T>(clientName: string, operation: string, run: () => Promise<T>) => Promise<T>;

let requests = 0;

/**
 * Binds a real SDK v3 client to a simulated account: a middleware at the start of the stack answers
 * every command from the simulation, so nothing is signed or sent. The client, its commands, input
 * and output types, and its modeled exceptions are the SDK's own; only the transport is replaced.
 * With `authorize`, each call is first authorized as its caller (a denied call changes nothing);
 * with `wrap`, an authorized call runs through it (injected faults).
 */
export function bindClient(
  client: AnyAwsClient,
  lookup: OperationLookup,
  authorize?: CallAuthorizer,
  wrap?: CallWrapper,
): void {
  (client.middlewareStack as unknown as MiddlewareStackLike).add(
    (_next, context) => async (args) => {
      const clientName = context.clientName ?? 'unknown client';
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const run = lookup(clientName, operation);
      if (!run) {
        throw new Error(`the simulated account does not model ${clientName} ${operation}`);
      }
      await authorize?.(clientName, operation, args.input);
      const call = async () => run(args.input);
      const result = await (wrap ? wrap(clientName, operation, call) : call());
      requests += 1;
      const output = {
        ...(result as object),
        $metadata: { httpStatusCode: 200, requestId: `sim-${requests}`, attempts: 1 },
      };
      return { output, response: { statusCode: 200, headers: {} } };
    },
    { step: 'initialize', name: 'simulatedAccount', priority: 'high' },
  );
}
