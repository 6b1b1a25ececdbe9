import {
  CloudFormationServiceException,
  type DescribeStacksCommandInput,
  type DescribeStacksCommandOutput,
  type Output,
} from '@aws-sdk/client-cloudformation';
import type { AccountIdentity } from './account-identity.js';
import type { SimulatedOperations } from './sdk-binding.js';

/** A deployed stack as DescribeStacks shows it. */
interface SimulatedStack {
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/**
 * CloudFormation as far as checks before and after a deploy read it: which stacks exist (the CDK
 * bootstrap stack, the platform's) with their status and outputs.
 */
export class SimulatedCloudFormation {
  private readonly stacks = new Map<string, SimulatedStack>();

  constructor(private readonly identity: AccountIdentity) {}

  /** A stack as a finished deploy leaves it. */
  deployStack(
    name: string,
    outputs: Readonly<Record<string, string>> = {},
    status = 'CREATE_COMPLETE',
  ): void {
    this.stacks.set(name, { status, outputs });
  }

  describeStacks(input: DescribeStacksCommandInput): Omit<DescribeStacksCommandOutput, '$metadata'> {
    const name = input.StackName ?? '';
    const stack = this.stacks.get(name);
    // What CloudFormation answers for a stack that was never created (or was deleted):
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
    if (!stack)
      throw new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        message: `Stack with id ${name} does not exist`,
        $metadata: { httpStatusCode: 400 },
      });
    const outputs: Output[] = Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({
      OutputKey,
      OutputValue,
    }));
    return {
      Stacks: [
        {
          StackName: name,
          StackId: `arn:aws:cloudformation:${this.identity.region}:${this.identity.accountId}:stack/${name}/1`,
          StackStatus: stack.status as never,
          CreationTime: new Date(0),
          Outputs: outputs,
        },
      ],
    };
  }

  operations(): SimulatedOperations {
    return { DescribeStacks: (input: DescribeStacksCommandInput) => this.describeStacks(input) };
  }
}
