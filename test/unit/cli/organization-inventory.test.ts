import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { organizationInventory, registeredAccountsIn } from '../../../cli/organization-inventory.js';
import { runtimesCommand } from '../../../cli/runtimes-command.js';

const settingsFile = (settings: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'org-settings-')), 'cdk.context.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
};

const accounts = [
  { accountId: '444455556666', environment: 'prod', regions: ['eu-west-1', 'us-east-1'] },
  { accountId: '555566667777', environment: 'staging', regions: ['eu-west-1'] },
  { organizationalUnitId: 'ou-ab12-cdef3456', environment: 'dev', regions: ['eu-west-1'] },
] as const;

describe('the runtime inventory of an organization', () => {
  it('reads every registered account and region, one row set each, and names the OUs it cannot list', async () => {
    const inventory = await organizationInventory({
      accounts: registeredAccountsIn(settingsFile({ 'runbooks:accounts': accounts })),
      today: '2026-12-03',
      horizonDays: 180,
    });
    expect(inventory.places.map((p) => `${p.account} ${p.region} ${p.environment}`)).toEqual([
      '444455556666 eu-west-1 prod',
      '444455556666 us-east-1 prod',
      '555566667777 eu-west-1 staging',
    ]);
    for (const place of inventory.places) {
      expect(place.error).toBeUndefined();
      expect(place.functions.map((f) => `${f.functionName}:${f.version}`)).toContain('orders-api:2');
    }
    expect(inventory.skippedOrganizationalUnits).toEqual(['ou-ab12-cdef3456']);
  });

  it('reads the accounts from a settings file or its context, and refuses a malformed list naming what is wrong', () => {
    expect(registeredAccountsIn(settingsFile({ context: { 'runbooks:accounts': accounts } }))).toHaveLength(
      3,
    );
    expect(() =>
      registeredAccountsIn(
        settingsFile({
          'runbooks:accounts': [{ accountId: '4444', environment: 'prod', regions: ['eu-west-1'] }],
        }),
      ),
    ).toThrow(/runbooks:accounts/);
    expect(() => registeredAccountsIn(settingsFile({}))).toThrow(/has no runbooks:accounts/);
    expect(() => registeredAccountsIn('no-such-file.json')).toThrow(/does not exist/);
  });

  it('asks for the role to read with before reading any real account', async () => {
    await expect(
      runtimesCommand({
        aws: true,
        org: true,
        json: true,
        region: undefined,
        settings: settingsFile({ 'runbooks:accounts': accounts }),
        roleName: undefined,
      }),
    ).rejects.toThrow(/--role-name/);
  });
});
