// Firefox ESR driven over WebDriver BiDi (puppeteer-core), saving downloads into a folder of its own: the
// browser without save pickers, for the e2e tests and the benchmark of what it saves.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { STAGING_DIR } from '../../src/lib/sinks/staging.ts';
import { openApp, waitForStatus, type Peer } from './browser.ts';

export interface FirefoxPeer {
	browser: Browser;
	page: Page;
	/** Where its downloads are saved. */
	downloads: string;
	/** Uncaught errors of its page. */
	errors: string[];
	close(): Promise<void>;
}

export async function launchFirefox(): Promise<FirefoxPeer> {
	const downloads = mkdtempSync(join(tmpdir(), 'pairbeam-ff-downloads-'));
	const browser = await puppeteer.launch({
		browser: 'firefox',
		executablePath: '/usr/bin/firefox-esr',
		headless: true,
		// A wait for a selector is one protocol call: the benchmark's 4 GiB takes longer than the 3 min default.
		protocolTimeout: 30 * 60_000,
		// Puppeteer's network monitoring makes Firefox keep every response body it sees: its parent process
		// held 1,267 MiB (anonymous) after a plain 1 GiB HTTP download with it, 219 MiB without. Nothing here
		// reads Firefox's requests, and the benchmark measures what a user's Firefox holds.
		networkEnabled: false,
		extraPrefsFirefox: {
			'media.peerconnection.ice.loopback': true,
			'media.navigator.streams.fake': true,
			'media.navigator.permission.disabled': true,
			'media.navigator.permission.fake': true,
			'browser.download.folderList': 2,
			'browser.download.dir': downloads,
			'browser.download.useDownloadDir': true,
			'browser.download.always_ask_before_handling_new_types': false,
			'browser.download.start_downloads_in_tmp_dir': false,
			'browser.helperApps.neverAsk.saveToDisk': 'application/octet-stream,application/zip',
		},
	});
	const page = await browser.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(String(error)));
	return {
		browser,
		page,
		downloads,
		errors,
		close: async () => {
			await browser.close().catch(() => undefined);
			rmSync(downloads, { recursive: true, force: true });
		},
	};
}

/**
 * Opens the app in Firefox. Every document first takes a fake camera stream and keeps it: without one,
 * Firefox offers no loopback candidates (docs/measurements.md).
 */
export async function openInFirefox({ page }: FirefoxPeer, url: string): Promise<void> {
	await page.evaluateOnNewDocument(() => {
		if (!navigator.mediaDevices) return; // about:blank has none
		void navigator.mediaDevices
			.getUserMedia({ video: true })
			.then((stream) => ((window as unknown as { __stream: MediaStream }).__stream = stream));
	});
	await page.goto(url);
	await page.waitForSelector('main[data-hydrated="true"]');
}

export async function firefoxConnected({ page }: FirefoxPeer): Promise<void> {
	await page.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout: 30_000 });
}

/**
 * Firefox shows the pairing QR code, Chromium opens the link it holds (read from the canvas' pixels);
 * resolves once both say they are connected.
 */
export async function chromiumJoinsFirefox(firefox: FirefoxPeer, chromium: Peer): Promise<void> {
	const { page } = firefox;
	await page.click('xpath/.//button[contains(., "Receive files")]');
	const canvas = await page.waitForSelector('[data-testid="qr"]');
	await page.waitForFunction(
		() => (document.querySelector('[data-testid="qr"]') as HTMLCanvasElement).width > 100,
	);
	const shot = PNG.sync.read(Buffer.from((await canvas!.screenshot()) as Uint8Array));
	const link = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data;
	if (!link?.includes('/j#')) throw new Error(`Firefox's QR code holds no pairing link: ${link}`);
	await openApp(chromium.page, link);
	await firefoxConnected(firefox);
	await chromium.page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
}

/** Reloads the Firefox page once its service worker is active, so that the worker controls it. */
export async function controlledByServiceWorker({ page }: FirefoxPeer): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await page.reload();
	await page.waitForSelector('main[data-hydrated="true"]');
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Firefox accepts the offer (then runs `accepted`, while it arrives) and waits until both sides say done. */
export async function firefoxAccepts(
	{ page }: FirefoxPeer,
	chromium: Peer,
	timeout = 120_000,
	accepted?: () => Promise<unknown>,
): Promise<void> {
	await page.waitForSelector('[data-testid="transfer"][data-status="incoming"]', { timeout: 60_000 });
	await page.click('xpath/.//button[contains(., "Accept and save")]');
	await accepted?.();
	await page.waitForSelector('[data-testid="transfer"][data-status="done"]', { timeout });
	await waitForStatus(chromium, 'done', 30_000);
}

/** The names in Firefox's download folder once `expected` downloads are written (no `.part` file left). */
export async function downloaded(
	{ downloads }: FirefoxPeer,
	expected: number,
	timeout = 30_000,
): Promise<string[]> {
	const deadline = Date.now() + timeout;
	for (;;) {
		const names = readdirSync(downloads).sort();
		if (names.length === expected && !names.some((name) => name.endsWith('.part'))) return names;
		if (Date.now() > deadline) throw new Error(`downloads not written in ${timeout} ms: ${names.join(', ')}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Every file under the OPFS staging folder of the Firefox page, as "folder/name". */
export function stagedFiles({ page }: FirefoxPeer): Promise<string[]> {
	return page.evaluate(async (stagingDir) => {
		const root = await navigator.storage.getDirectory();
		const staging = await root.getDirectoryHandle(stagingDir).catch(() => undefined);
		const found: string[] = [];
		if (!staging) return found;
		for await (const [folder, entry] of staging.entries()) {
			if (entry.kind !== 'directory') found.push(folder);
			else for await (const name of entry.keys()) found.push(`${folder}/${name}`);
		}
		return found.sort();
	}, STAGING_DIR);
}
