import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';

/** The `-c key=value` settings of README's command-line deploy example, as the CDK CLI passes them (strings). */
function readmeCommandLineSettings(): Record<string, string> {
  const readme = readFileSync('README.md', 'utf8');
  const example = readme.slice(readme.indexOf('Settings can also be given one by one'));
  const block = example.slice(example.indexOf('```sh'), example.indexOf('```', example.indexOf('```sh') + 5));
  const settings = [...block.matchAll(/-c '?([^=\s]+)=(.+?)'?(?: \\|$)/gm)].map((m) => [
    m[1] ?? '',
    m[2] ?? '',
  ]);
  expect(settings.length).toBeGreaterThan(0);
  return Object.fromEntries(settings);
}

describe('the recommended production configuration', () => {
  it('synthesizes as README tells, cdk-nag clean, from examples/scoped-prod.context.json', () => {
    const context = JSON.parse(readFileSync('examples/scoped-prod.context.json', 'utf8')) as Record<
      string,
      unknown
    >;
    const { app, stack } = createApp(
      new App({
        context: { ...context, 'aws:cdk:bundling-stacks': [] },
        builtinCloudFormationValidation: false,
      }),
    );
    expect(() => app.synth()).not.toThrow();
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const policyOf = (prefix: string) =>
      JSON.stringify(Object.entries(policies).find(([id]) => id.startsWith(prefix))?.[1]);
    expect(policyOf('ReplayBatch')).toContain(':sqs:eu-west-1:123456789012:orders-dlq-quarantine');
    expect(policyOf('RollbackAlias')).toContain(':function:checkout-*');
    expect(policyOf('RollbackAlias')).not.toContain(':function:*"');
  });

  it('synthesizes README’s command-line example, its list given as JSON text', () => {
    const settings = readmeCommandLineSettings();
    expect(typeof settings['runbooks:targetFunctionArns']).toBe('string');
    const { app, stack } = createApp(
      new App({
        context: { ...settings, 'aws:cdk:bundling-stacks': [] },
        builtinCloudFormationValidation: false,
      }),
    );
    expect(() => app.synth()).not.toThrow();
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain(':function:checkout-*');
  });
});
