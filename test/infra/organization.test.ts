import { readFileSync } from 'node:fs';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadEvaluator, type PolicyDocument } from '../../gameday/account/iam/policy-evaluator.js';
import { type Template as TemplateJson, TemplateResolver } from '../../gameday/iam/template-resolver.js';
import { stepLogicalName } from '../../handlers/steps.js';
import { createApp } from '../../infra/app.js';

const hub = { accountId: '111122223333', region: 'eu-west-1' };
const spokeAccount = '444455556666';
const organizationId = 'o-a1b2c3d4e5';
const settings = JSON.parse(readFileSync('examples/organization-hub.context.json', 'utf8')) as Record<
  string,
  unknown
>;

function synth(context: Record<string, unknown>) {
  const { app, stack } = createApp(
    new App({
      context: { ...context, 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    }),
  );
  const spoke = app.node.children.find((c) => c.node.id === 'LambdaRunbooksSpoke-prod') as Stack | undefined;
  return { app, stack, spoke };
}

const { app, stack, spoke } = synth(settings);
if (!spoke) throw new Error('no spoke stack was synthesized');
const hubJson = Template.fromStack(stack).toJSON() as TemplateJson;
const spokeJson = Template.fromStack(spoke).toJSON() as TemplateJson;
const hubResolver = new TemplateResolver(hubJson, stack.stackName, hub);
const spokeResolver = new TemplateResolver(spokeJson, spoke.stackName, {
  accountId: spokeAccount,
  region: 'eu-west-1',
});

const logicalIdOf = (template: TemplateJson, type: string, prefix: string) => {
  const id = Object.entries(template.Resources).find(
    ([id, r]) => r.Type === type && id.startsWith(prefix),
  )?.[0];
  if (!id) throw new Error(`no ${type} ${prefix}…`);
  return id;
};

/** The identity policies attached to a role of a template, resolved. */
function policiesOf(template: TemplateJson, resolver: TemplateResolver, roleId: string): PolicyDocument[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
    .filter((r) => JSON.stringify(r.Properties?.Roles ?? []).includes(`"${roleId}"`))
    .map((r) => resolver.resolve(r.Properties?.PolicyDocument) as PolicyDocument);
}

const spokeRoleId = logicalIdOf(spokeJson, 'AWS::IAM::Role', 'ExecutionRole');
const spokeRoleArn = spokeResolver.attribute(spokeRoleId, 'Arn');
const trustPolicy = spokeResolver.resolve(
  spokeJson.Resources[spokeRoleId]?.Properties?.AssumeRolePolicyDocument,
) as PolicyDocument;

/** Whether a hub role may take the spoke role as a step would: AssumeRole naming a source identity. */
async function mayAssume(
  roleId: string,
  options: { sourceIdentity?: string; organization?: string; account?: string } = {},
): Promise<boolean> {
  const evaluator = await loadEvaluator();
  if (!evaluator) throw new Error('the IAM policy evaluator is not installed');
  const account = options.account ?? hub.accountId;
  const roleArn = hubResolver.attribute(roleId, 'Arn').replace(hub.accountId, account);
  const roleName = roleArn.split('/').pop() ?? '';
  const context = {
    'aws:PrincipalArn': roleArn,
    'aws:PrincipalAccount': account,
    'aws:PrincipalOrgID': options.organization ?? organizationId,
    // The spoke account is in the organization.
    'aws:ResourceOrgID': organizationId,
    ...(options.sourceIdentity ? { 'sts:SourceIdentity': options.sourceIdentity } : {}),
  };
  const decide = (action: string) =>
    evaluator.evaluate({
      principal: `arn:aws:sts::${account}:assumed-role/${roleName}/step`,
      identityPolicies: policiesOf(hubJson, hubResolver, roleId),
      resourcePolicy: trustPolicy,
      action,
      resource: spokeRoleArn,
      resourceAccount: spokeAccount,
      context,
    });
  const actions = options.sourceIdentity ? ['sts:AssumeRole', 'sts:SetSourceIdentity'] : ['sts:AssumeRole'];
  const decisions = await Promise.all(actions.map(decide));
  return decisions.every((d) => d.denied === undefined);
}

const stepRole = (step: string) =>
  logicalIdOf(hubJson, 'AWS::IAM::Role', `${stepLogicalName(step as never)}FunctionServiceRole`);

describe('hub and spoke', () => {
  it('synthesizes the hub and the spoke cdk-nag clean from examples/organization-hub.context.json', () => {
    expect(() => app.synth()).not.toThrow();
    expect(spokeJson.Parameters ?? {}).not.toHaveProperty('BootstrapVersion');
    expect(JSON.stringify(spokeJson)).not.toContain(spokeAccount);
  });

  it('lets the hub’s step roles take the spoke role, naming who they act for', async () => {
    expect(spokeRoleArn).toBe(`arn:aws:iam::${spokeAccount}:role/${stack.stackName}-spoke`);
    expect(hubResolver.attribute(stepRole('rollback-alias'), 'Arn')).toContain(
      `:role/lambda-runbooks/${stack.stackName}/steps/`,
    );
    expect(await mayAssume(stepRole('rollback-alias'), { sourceIdentity: 'jane.doe' })).toBe(true);
    expect(await mayAssume(stepRole('replay-batch'), { sourceIdentity: 'alarm' })).toBe(true);
  });

  it('refuses a step that names nobody, a role outside the steps, another organization and another account', async () => {
    expect(await mayAssume(stepRole('rollback-alias'))).toBe(false);
    const dispatcherRole = logicalIdOf(hubJson, 'AWS::IAM::Role', 'DispatcherFunctionServiceRole');
    expect(await mayAssume(dispatcherRole, { sourceIdentity: 'jane.doe' })).toBe(false);
    // A step that only touches the hub's own tables is not a workload step: no path, no grant.
    expect(await mayAssume(stepRole('release-lease'), { sourceIdentity: 'jane.doe' })).toBe(false);
    expect(
      await mayAssume(stepRole('rollback-alias'), {
        sourceIdentity: 'jane.doe',
        organization: 'o-zzzzzzzzzz',
      }),
    ).toBe(false);
    expect(
      await mayAssume(stepRole('rollback-alias'), { sourceIdentity: 'jane.doe', account: '999988887777' }),
    ).toBe(false);
  });

  it('forwards alarms, Health changes and failed rotations to the hub’s bus, which takes them from the organization only', async () => {
    const rules = Object.values(spokeJson.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    const sources = rules.map(
      (r) => (r.Properties?.EventPattern as { source?: string[] } | undefined)?.source?.[0],
    );
    expect(sources.sort()).toEqual(['aws.cloudwatch', 'aws.health', 'aws.secretsmanager']);
    const hubBus = `arn:aws:events:${hub.region}:${hub.accountId}:event-bus/default`;
    for (const rule of rules) {
      const [target] = spokeResolver.resolve(rule.Properties?.Targets) as {
        Arn: string;
        DeadLetterConfig?: unknown;
      }[];
      expect(target?.Arn).toBe(hubBus);
      expect(target?.DeadLetterConfig).toBeDefined();
    }
    const forwarder = logicalIdOf(spokeJson, 'AWS::IAM::Role', 'ForwardToHub');
    const busPolicy = Object.values(hubJson.Resources).find(
      (r) => r.Type === 'AWS::Events::EventBusPolicy' && r.Properties?.EventBusName === 'default',
    );
    const statement = hubResolver.resolve(busPolicy?.Properties?.Statement);
    const evaluator = await loadEvaluator();
    const put = (organization: string) =>
      evaluator?.evaluate({
        principal: `arn:aws:sts::${spokeAccount}:assumed-role/${spokeResolver.ref(forwarder)}/events`,
        identityPolicies: policiesOf(spokeJson, spokeResolver, forwarder),
        resourcePolicy: { Version: '2012-10-17', Statement: [statement] },
        action: 'events:PutEvents',
        resource: hubBus,
        resourceAccount: hub.accountId,
        context: { 'aws:PrincipalOrgID': organization, 'aws:PrincipalAccount': spokeAccount },
      });
    expect((await put(organizationId))?.denied).toBeUndefined();
    expect((await put('o-zzzzzzzzzz'))?.denied).toBeDefined();
  });

  it('gives the spoke role what the steps do in workload accounts, and not the platform’s own resources', () => {
    const document = JSON.stringify(policiesOf(spokeJson, spokeResolver, spokeRoleId));
    expect(document).toContain('lambda:UpdateAlias');
    expect(document).toContain('sqs:SendMessage');
    expect(document).not.toContain('dynamodb:');
    expect(document).not.toContain('sns:Publish');
    expect(document).not.toContain('states:');
    expect(document).not.toContain('secretsmanager:');
  });

  it('has the dispatcher act in the accounts listed by id and the OUs listed, each with its environment', () => {
    expect(JSON.stringify(hubJson)).toContain(
      '\\"accounts\\":[{\\"accountId\\":\\"444455556666\\",\\"environment\\":\\"prod\\",\\"regions\\":[\\"eu-west-1\\"]}]',
    );
    expect(JSON.stringify(hubJson)).toContain(
      '\\"organizationalUnits\\":[{\\"organizationalUnitId\\":\\"ou-ab12-cdef3456\\",\\"environment\\":\\"staging\\",\\"regions\\":[\\"eu-west-1\\"]}]',
    );
  });

  it('gives an OU its own bus on the hub, which only the OU’s accounts may put events on, and its own spoke stack forwarding there', async () => {
    const unitBus = `arn:aws:events:${hub.region}:${hub.accountId}:event-bus/${stack.stackName}-ou-ab12-cdef3456`;
    const unitSpoke = app.node.children.find(
      (c) => c.node.id === 'LambdaRunbooksSpoke-prod-ou-ab12-cdef3456',
    ) as Stack | undefined;
    if (!unitSpoke) throw new Error('no spoke stack for the OU');
    const unitJson = Template.fromStack(unitSpoke).toJSON() as TemplateJson;
    const unitResolver = new TemplateResolver(unitJson, unitSpoke.stackName, {
      accountId: spokeAccount,
      region: 'eu-west-1',
    });
    for (const rule of Object.values(unitJson.Resources).filter((r) => r.Type === 'AWS::Events::Rule')) {
      const [target] = unitResolver.resolve(rule.Properties?.Targets) as { Arn: string }[];
      expect(target?.Arn).toBe(unitBus);
    }
    const policy = Object.values(hubJson.Resources).find(
      (r) => r.Type === 'AWS::Events::EventBusPolicy' && r.Properties?.EventBusName !== 'default',
    );
    const statement = hubResolver.resolve(policy?.Properties?.Statement);
    const forwarder = logicalIdOf(unitJson, 'AWS::IAM::Role', 'ForwardToHub');
    const evaluator = await loadEvaluator();
    const put = (paths: string[]) =>
      evaluator?.evaluate({
        principal: `arn:aws:sts::${spokeAccount}:assumed-role/${unitResolver.ref(forwarder)}/events`,
        identityPolicies: policiesOf(unitJson, unitResolver, forwarder),
        resourcePolicy: { Version: '2012-10-17', Statement: [statement] },
        action: 'events:PutEvents',
        resource: unitBus,
        resourceAccount: hub.accountId,
        context: {
          'aws:PrincipalOrgID': organizationId,
          'aws:PrincipalAccount': spokeAccount,
          'aws:PrincipalOrgPaths': paths,
        },
      });
    // An account of the OU, or of an OU nested in it, may; an account of another OU may not.
    expect((await put([`${organizationId}/r-ab12/ou-ab12-cdef3456/`]))?.denied).toBeUndefined();
    expect(
      (await put([`${organizationId}/r-ab12/ou-ab12-cdef3456/ou-ab12-11112222/`]))?.denied,
    ).toBeUndefined();
    expect((await put([`${organizationId}/r-ab12/ou-ab12-99998888/`]))?.denied).toBeDefined();
    // Its rules hand the dispatcher each event wrapped with the OU.
    const dispatchRules = Object.values(hubJson.Resources).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties?.EventBusName ?? '').includes('Unit'),
    );
    expect(dispatchRules.length).toBeGreaterThan(0);
    for (const rule of dispatchRules) {
      const [target] = (rule.Properties?.Targets ?? []) as { InputTransformer: unknown }[];
      expect(target?.InputTransformer).toEqual({
        InputPathsMap: { f1: '$' },
        InputTemplate: '{"organizationalUnit":"ou-ab12-cdef3456","event":<f1>}',
      });
    }
  });

  it('writes IAM descriptions in the characters IAM takes (Latin-1)', () => {
    for (const template of [hubJson, spokeJson]) {
      for (const resource of Object.values(template.Resources)) {
        if (!resource.Type.startsWith('AWS::IAM::')) continue;
        const description = String(resource.Properties?.Description ?? '');
        expect(description).toMatch(/^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/);
      }
    }
  });

  it('keeps a single-account deployment as it was: no spoke, no paths, no bus policy', () => {
    const single = synth({ 'runbooks:environment': 'prod' });
    expect(single.spoke).toBeUndefined();
    const json = JSON.stringify(Template.fromStack(single.stack).toJSON());
    expect(json).not.toContain('/lambda-runbooks/');
    expect(json).not.toContain('AWS::Events::EventBusPolicy');
  });

  it('refuses accounts without an organization, and malformed accounts, naming what is wrong', () => {
    expect(() => synth({ 'runbooks:accounts': settings['runbooks:accounts'] })).toThrow(
      /runbooks:accounts needs runbooks:organization/,
    );
    expect(() =>
      synth({
        ...settings,
        'runbooks:accounts': [{ accountId: '4444', environment: 'prod', regions: ['eu-west-1'] }],
      }),
    ).toThrow(/runbooks:accounts/);
    expect(() => synth({ ...settings, 'runbooks:organization': { organizationId: 'org-1' } })).toThrow(
      /runbooks:organization\.organizationId: is not an organization id/,
    );
  });
});
