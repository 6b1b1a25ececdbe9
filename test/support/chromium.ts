import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const chromium =
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path)) ?? 'chromium';

/** A page as headless Chromium leaves it once its scripts ran (the DOM), and what it logged. */
export async function renderInChromium(file: string): Promise<{ dom: string; log: string }> {
  const { stdout, stderr } = await promisify(execFile)(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--enable-logging=stderr',
      '--v=0',
      '--virtual-time-budget=30000',
      '--dump-dom',
      `file://${file}`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return { dom: stdout, log: stderr };
}
