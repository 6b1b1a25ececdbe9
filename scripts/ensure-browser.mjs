#!/usr/bin/env node
// The game-day report test opens the report in headless Chromium from Debian's packages (browser
// downloads by Puppeteer or Playwright are not an option offline). Installs it when missing and
// this machine can (root with apt-get); otherwise says what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
if (candidates.some((path) => existsSync(path))) process.exit(0);

const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
if (!canInstall) {
  console.error(
    "The report test needs Chromium: install Debian's package (apt-get install chromium) and run npm test again.",
  );
  process.exit(1);
}
console.error("Installing Chromium from Debian's packages for the report test…");
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
  stdio: 'inherit',
  env,
});
