// The installable app in real Chromium against the local Worker: manifest and installability as Chrome
// sees them (CDP), offline start from the service worker, the update prompt, and the install offers.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import { launchPeer, openApp, type Peer } from '../harness/browser';
import { serviceWorkerActivated } from '../harness/pwa-helpers';

let server: RunningServer;
let peer: Peer;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
});

afterAll(async () => {
	await server?.stop();
});

beforeEach(async () => {
	peer = await launchPeer(server.url);
});

afterEach(async () => {
	await peer.close();
});

/** CDP spells enums as `kStandalone`, `Maskable`…: compare them as the manifest does. */
const plain = (value: unknown) =>
	String(value)
		.replace(/^k(?=[A-Z])/, '')
		.toLowerCase();

const IPHONE_SAFARI =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
	'Version/18.1 Mobile/15E148 Safari/604.1';

describe('progressive web app', () => {
	it('has a manifest Chrome accepts, with no installability errors and the share target', async () => {
		await openApp(peer.page, server.url);
		await serviceWorkerActivated(peer.page);
		const { url, errors, data, manifest } = await peer.cdp.send('Page.getAppManifest');
		expect(url).toBe(`${server.url}/manifest.webmanifest`);
		expect(errors).toEqual([]);
		expect(plain(manifest.display)).toBe('standalone');
		// Chromium 156 garbles the other share target fields over CDP, so those are read from the raw manifest.
		expect(manifest.shareTarget?.action).toBe(`${server.url}/share`);
		expect(plain(manifest.shareTarget?.method)).toBe('post');
		expect(JSON.parse(data ?? '{}').share_target).toEqual({
			action: '/share',
			method: 'POST',
			enctype: 'multipart/form-data',
			params: { title: 'title', text: 'text', url: 'url', files: [{ name: 'files', accept: ['*/*'] }] },
		});
		expect(plain(manifest.launchHandler?.clientMode)).toBe('focusexisting');
		expect(manifest.icons?.map((icon) => icon.sizes)).toEqual(['192x192', '512x512', '512x512']);
		expect(JSON.parse(data ?? '{}').icons.map((icon: { purpose: string }) => icon.purpose)).toEqual([
			'any',
			'any',
			'maskable',
		]);
		const { installabilityErrors } = await peer.cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
		expect(peer.errors).toEqual([]);
	});

	it('ships icons and screenshots whose pixel sizes match what the manifest declares', () => {
		const manifest = JSON.parse(readFileSync('build/manifest.webmanifest', 'utf8')) as {
			icons: { src: string; sizes: string }[];
			screenshots: { src: string; sizes: string; form_factor: string }[];
		};
		for (const image of [...manifest.icons, ...manifest.screenshots]) {
			const png = PNG.sync.read(readFileSync(`build${image.src}`));
			expect(`${png.width}x${png.height}`, image.src).toBe(image.sizes);
		}
		expect(manifest.screenshots.map((s) => s.form_factor)).toEqual(['narrow', 'wide']);
	});

	it('reloads offline from the service worker, says plainly the server is unreachable, retries when online', async () => {
		const { page, context } = peer;
		await openApp(page, server.url);
		await serviceWorkerActivated(page);
		await context.setOffline(true);
		await page.reload();
		await page.locator('main[data-hydrated="true"]').waitFor();
		expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(
			`${server.url}/service-worker.js`,
		);

		await page.getByRole('button', { name: /Receive files/ }).click();
		await expect
			.poll(() => page.getByRole('alert').allTextContents())
			.toContainEqual(expect.stringContaining('Cannot reach the Pairbeam server.'));
		await page.getByRole('button', { name: 'Leave session' }).click();

		// Files picked while offline stay queued, and the session is created once the network is back.
		await page.getByRole('button', { name: /Send files/ }).click();
		await page.getByRole('alert').filter({ hasText: 'Cannot reach the Pairbeam server.' }).waitFor();
		await page.getByTestId('file-input').setInputFiles({
			name: 'kept.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from('picked while offline'),
		});
		await page.getByRole('button', { name: 'Remove kept.txt' }).waitFor();
		await context.setOffline(false);
		// Inside the test's network namespace Chromium never sees a network come back, so say it for it.
		await page.evaluate(() => window.dispatchEvent(new Event('online')));
		await page.locator('[data-testid="connection"][data-state="waiting"]').waitFor();
		await page.getByTestId('qr').waitFor();
		expect(await page.getByRole('button', { name: 'Remove kept.txt' }).count()).toBe(1);
		expect(peer.errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
	});

	it('shows "Update available" for a new service worker and switches only when the user presses Reload', async () => {
		const { page } = peer;
		await openApp(page, server.url);
		await serviceWorkerActivated(page);
		await page.reload();
		await page.locator('main[data-hydrated="true"]').waitFor();
		// A new version as the browser finds it: a service worker script that differs from the running one.
		// (Playwright cannot route the browser's own update check, so the changed script gets a new URL.)
		await page.evaluate(async () => {
			await navigator.serviceWorker.register('/service-worker.js?next-version');
		});
		const prompt = page.getByTestId('update-prompt');
		await prompt.getByText('Update available').waitFor();
		// The new version waits; the page is still run by the old one until the user agrees.
		const waitingBefore = await page.evaluate(
			async () => !!(await navigator.serviceWorker.getRegistration())?.waiting,
		);
		expect(waitingBefore).toBe(true);

		await page.evaluate(() => ((window as unknown as { beforeUpdate: boolean }).beforeUpdate = true));
		await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload' }).click()]);
		await page.locator('main[data-hydrated="true"]').waitFor();
		expect(await page.evaluate(() => 'beforeUpdate' in window)).toBe(false);
		const after = await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			return { waiting: !!registration?.waiting, controlled: !!navigator.serviceWorker.controller };
		});
		expect(after).toEqual({ waiting: false, controlled: true });
		expect(await prompt.count()).toBe(0);
		expect(peer.errors).toEqual([]);
	});

	it('offers an Install button when the browser allows it, and Add to Home Screen steps on iOS Safari', async () => {
		const { page, cdp } = peer;
		// Only the test's own offer reaches the app: Chromium's real one would race it (and Safari has none).
		await page.addInitScript(() =>
			window.addEventListener(
				'beforeinstallprompt',
				(event) => event.isTrusted && event.stopImmediatePropagation(),
				true,
			),
		);
		await openApp(page, server.url);
		await page.evaluate(() => {
			const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
				prompt: async () => {
					(window as unknown as { prompted: boolean }).prompted = true;
				},
			});
			window.dispatchEvent(offer);
		});
		await page.getByRole('button', { name: 'Install Pairbeam' }).click();
		expect(await page.evaluate(() => 'prompted' in window)).toBe(true);
		await expect.poll(() => page.getByRole('button', { name: 'Install Pairbeam' }).count()).toBe(0);
		expect(await page.getByTestId('ios-install').count()).toBe(0);

		await cdp.send('Emulation.setUserAgentOverride', { userAgent: IPHONE_SAFARI });
		await openApp(page, server.url);
		expect(await page.getByTestId('ios-install').textContent()).toMatch(/Share.*Add to Home Screen/);
		expect(peer.errors).toEqual([]);
	});
});
