#!/usr/bin/env node
// Tests use a few of Debian's packages: headless Chromium opens the game-day report (browser
// downloads by Puppeteer or Playwright are not an option offline), and README's Slack walkthrough
// signs requests with curl and openssl. Installs what is missing when this machine can (root with
// apt-get); otherwise says what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tools = [
  { name: 'chromium', paths: ['/usr/bin/chromium', '/usr/bin/chromium-browser'], pkg: 'chromium' },
  { name: 'curl', paths: ['/usr/bin/curl'], pkg: 'curl' },
  { name: 'openssl', paths: ['/usr/bin/openssl'], pkg: 'openssl' },
];
const missing = tools.filter((tool) => !tool.paths.some((path) => existsSync(path)));
if (missing.length === 0) process.exit(0);

const packages = missing.map((tool) => tool.pkg);
const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
if (!canInstall) {
  console.error(
    `The tests need ${packages.join(', ')}: apt-get install ${packages.join(' ')}, then run npm test again.`,
  );
  process.exit(1);
}
console.error(`Installing ${packages.join(', ')} from Debian's packages for the tests…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
  stdio: 'inherit',
  env,
});
