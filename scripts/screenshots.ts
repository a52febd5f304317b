// Takes the manifest's store screenshots (static/screenshots) from the built app in headless Chromium:
// the home screen on a phone, the pairing QR code on a desktop. Run after `npm run build`:
// `unshare -n sh -c 'ip link set lo up && exec node scripts/screenshots.ts'`.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/harness/browser.ts';
import { startServer } from '../tests/harness/server.ts';

const server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
	mkdirSync('static/screenshots', { recursive: true });
	const phone = await browser.newPage({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
	await phone.goto(server.url);
	await phone.locator('main[data-hydrated="true"]').waitFor();
	await phone.screenshot({ path: 'static/screenshots/narrow.png' });
	const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
	await desktop.goto(server.url);
	await desktop.locator('main[data-hydrated="true"]').waitFor();
	await desktop.getByRole('button', { name: /Receive files/ }).click();
	await desktop.locator('[data-testid="connection"][data-state="waiting"]').waitFor();
	await desktop.screenshot({ path: 'static/screenshots/wide.png' });
	console.log('wrote static/screenshots/narrow.png and wide.png');
} finally {
	await browser.close();
	await server.stop();
}
