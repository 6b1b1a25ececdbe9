import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type Environment, environments } from '../handlers/lib/step-deps.js';
import { runbooks } from '../runbooks/index.js';
import { RunbooksStack } from './runbooks-stack.js';

/** Builds the CDK app; `cdk.json` runs this file, tests call `createApp` directly. */
export function createApp(app = new App()): { app: App; stack: RunbooksStack } {
  const environment = String(app.node.tryGetContext('runbooks:environment') ?? 'dev');
  if (!(environments as readonly string[]).includes(environment)) {
    throw new Error(
      `context runbooks:environment must be one of ${environments.join(', ')}, not "${environment}"`,
    );
  }
  const targets = app.node.tryGetContext('runbooks:targetFunctionArns') as string[] | undefined;
  const stack = new RunbooksStack(app, `LambdaRunbooks-${environment}`, {
    runbooks,
    environment: environment as Environment,
    ...(targets ? { targetFunctionArns: targets } : {}),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  createApp().app.synth();
}
