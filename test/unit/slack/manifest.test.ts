import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackPaths } from '../../../slack/slack-http.js';

const manifest = JSON.parse(readFileSync('slack/manifest.json', 'utf8'));

describe('Slack app manifest', () => {
  it('points the slash command and interactivity at the endpoints the platform serves', () => {
    expect(new URL(manifest.features.slash_commands[0].url).pathname).toBe(slackPaths.commands);
    expect(manifest.features.slash_commands[0].command).toBe('/runbook');
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(slackPaths.interactions);
  });

  it('asks only for the scopes the platform uses', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(['chat:write', 'commands']);
  });
});
