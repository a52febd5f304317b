// A tap on a primary action is never lost, however early it comes: fresh profiles (no service worker, no
// cache) load the home page and tap "Receive files" at DOMContentLoaded, at load, or on the touchscreen at
// the page's first paint, before the app's JavaScript has hydrated it; every load reaches the pairing code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../harness/server';
import { CHROMIUM_ARGS } from '../harness/browser';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	// Twenty sessions in a few seconds from one address: lift the per-client creation limit for this suite.
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '', CREATE_LIMIT_PER_MINUTE: '1000' } });
	browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

type Moment = 'DOMContentLoaded' | 'load' | 'first paint';

/**
 * Clicks "Receive files" from inside the page the moment `event` fires on its first load (not on a load
 * the click itself started), before Playwright could see or wait for anything.
 */
const clickAt = (event: 'DOMContentLoaded' | 'load') => `(() => {
	if (location.search) return;
	window.addEventListener('${event}', () => {
		const button = [...document.querySelectorAll('button')].find((b) => b.textContent.includes('Receive files'));
		button?.click();
	});
})();`;

/** True when the page shows a live pairing session's QR code; false when the tap was lost. */
async function reachedCode(page: Page): Promise<boolean> {
	try {
		await page.locator('[data-testid="connection"][data-state="waiting"]').waitFor({ timeout: 10_000 });
		await page.waitForFunction(() => {
			const canvas = document.querySelector('[data-testid="qr"]') as HTMLCanvasElement | null;
			return !!canvas && canvas.width > 100;
		});
		return true;
	} catch {
		return false;
	}
}

/** One fresh profile: load the home page, tap Receive files at `moment`; did it reach the code? */
async function tapOnFreshLoad(
	moment: Moment,
): Promise<{ reached: boolean; search: string; errors: string[] }> {
	const context = await browser.newContext({ hasTouch: moment === 'first paint' });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	try {
		if (moment === 'first paint') {
			await page.goto(server.url, { waitUntil: 'commit' });
			// A person taps as soon as the button is on screen (its first paint), not once it works.
			const painted = () => performance.getEntriesByName('first-contentful-paint').length > 0;
			await page.waitForFunction(painted, null, { polling: 10 });
			const box = await page.locator('button', { hasText: 'Receive files' }).boundingBox();
			if (!box) throw new Error('Receive files has no box');
			await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
		} else {
			await page.addInitScript(clickAt(moment));
			await page.goto(server.url, { waitUntil: 'commit' });
		}
		const reached = await reachedCode(page);
		return { reached, search: new URL(page.url()).search, errors };
	} finally {
		await context.close();
	}
}

describe('first tap', () => {
	it('reaches the pairing code on 20 of 20 fresh loads, tapping at DOMContentLoaded, load or first paint', async () => {
		const moments: Moment[] = ['DOMContentLoaded', 'load', 'first paint'];
		const outcomes: Record<Moment, { reached: number; lost: number }> = {
			DOMContentLoaded: { reached: 0, lost: 0 },
			load: { reached: 0, lost: 0 },
			'first paint': { reached: 0, lost: 0 },
		};
		for (let load = 0; load < 20; load++) {
			const moment = moments[load % moments.length];
			const { reached, search, errors } = await tapOnFreshLoad(moment);
			outcomes[moment][reached ? 'reached' : 'lost'] += 1;
			if (reached) expect(search, 'the start parameter is gone from the address bar').toBe('');
			expect(errors).toEqual([]);
		}
		console.log('first tap outcomes', JSON.stringify(outcomes));
		expect(outcomes).toEqual({
			DOMContentLoaded: { reached: 7, lost: 0 },
			load: { reached: 7, lost: 0 },
			'first paint': { reached: 6, lost: 0 },
		});
	});

	it('without JavaScript, Receive and Send files lead to their screens; Join and Scan say they are not ready', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		try {
			for (const [name, start] of [
				['Receive files', 'receive'],
				['Send files', 'send'],
			]) {
				await page.goto(server.url);
				await page.getByRole('button', { name: new RegExp(name) }).click();
				await page.waitForURL((url) => url.searchParams.get('start') === start);
			}
			await page.goto(server.url);
			expect(await page.getByRole('button', { name: 'Join' }).isDisabled()).toBe(true);
			expect(await page.getByRole('button', { name: 'Scan a QR code' }).isDisabled()).toBe(true);
		} finally {
			await context.close();
		}
	});

	it('acts on /?start=send once the app runs: the send screen with its QR code, and a clean address bar', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		try {
			await page.goto(`${server.url}/?start=send`);
			await page.getByRole('heading', { name: 'Send files' }).waitFor();
			expect(await reachedCode(page)).toBe(true);
			expect(await page.getByTestId('file-input').count()).toBe(1);
			expect(new URL(page.url()).search).toBe('');
			await page.goto(server.url);
			await page.locator('main[data-hydrated="true"]').waitFor();
			expect(await page.getByRole('button', { name: 'Join' }).isEnabled()).toBe(true);
			expect(await page.getByRole('button', { name: 'Scan a QR code' }).isEnabled()).toBe(true);
		} finally {
			await context.close();
		}
	});
});
