// Firefox ESR (over WebDriver BiDi) paired with Chromium: a 16 MiB file each way, and a folder of 2,000
// files. Firefox has no save pickers, so what it receives streams through the service worker into one
// download (a ZIP for several files), or, on a first visit before the worker controls the page, is staged
// in OPFS and then downloaded.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	confirmPeer,
	launchPeer,
	openApp,
	readQr,
	savedFiles,
	sendFiles,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import { makeDir, makeFile, makeTree, type TestFile } from '../harness/files';
import { unzipped } from '../harness/unzip';
import { STAGING_DIR, stagingLock } from '../../src/lib/sinks/staging';

let server: RunningServer;
let dir: string;
let file: TestFile;
/** The folder Chromium sends whole. */
const ROOT = 'Projekt ✓ 日本';
let chromium: Peer;
let firefox: Browser;
let page: Page;
let downloads: string;
const errors: string[] = [];

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
	file = makeFile(dir, 'cross-browser.bin', 16 * 1024 * 1024);
});

afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
	downloads = mkdtempSync(join(tmpdir(), 'pairbeam-ff-downloads-'));
	firefox = await puppeteer.launch({
		browser: 'firefox',
		executablePath: '/usr/bin/firefox-esr',
		headless: true,
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
	page = await firefox.newPage();
	errors.length = 0;
	page.on('pageerror', (error) => errors.push(String(error)));
	chromium = await launchPeer(server.url);
});

afterEach(async () => {
	await firefox?.close().catch(() => undefined);
	await chromium?.close();
	rmSync(downloads, { recursive: true, force: true });
});

/**
 * Opens the app in Firefox. Every document first takes a fake camera stream and keeps it: without one,
 * Firefox offers no loopback candidates (docs/measurements.md).
 */
async function openInFirefox(url: string): Promise<void> {
	await page.evaluateOnNewDocument(() => {
		if (!navigator.mediaDevices) return; // about:blank has none
		void navigator.mediaDevices
			.getUserMedia({ video: true })
			.then((stream) => ((window as unknown as { __stream: MediaStream }).__stream = stream));
	});
	await page.goto(url);
	await page.waitForSelector('main[data-hydrated="true"]');
}

async function firefoxConnected(): Promise<void> {
	await page.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout: 30_000 });
}

/** Every file under the OPFS staging folder of the Firefox page, as "folder/name". */
function stagedFiles(): Promise<string[]> {
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

/**
 * Firefox shows the pairing QR code, Chromium opens the link it holds (read from the canvas' pixels);
 * resolves once both say they are connected.
 */
async function chromiumJoinsFirefox(): Promise<void> {
	await page.click('xpath/.//button[contains(., "Receive files")]');
	const canvas = await page.waitForSelector('[data-testid="qr"]');
	await page.waitForFunction(
		() => (document.querySelector('[data-testid="qr"]') as HTMLCanvasElement).width > 100,
	);
	const shot = PNG.sync.read(Buffer.from((await canvas!.screenshot()) as Uint8Array));
	const link = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data;
	expect(link).toMatch(/\/j#/);
	await openApp(chromium.page, link!);
	await firefoxConnected();
	await chromium.page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
}

/** Reloads the Firefox page once its service worker is active, so that the worker controls it. */
async function controlledByServiceWorker(): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await page.reload();
	await page.waitForSelector('main[data-hydrated="true"]');
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Firefox accepts the offer (then runs `accepted`, while it arrives) and waits until both sides say done. */
async function firefoxAccepts(timeout = 120_000, accepted?: () => Promise<unknown>): Promise<void> {
	await page.waitForSelector('[data-testid="transfer"][data-status="incoming"]', { timeout: 60_000 });
	await page.click('xpath/.//button[contains(., "Accept and save")]');
	await accepted?.();
	await page.waitForSelector('[data-testid="transfer"][data-status="done"]', { timeout });
	await waitForStatus(chromium, 'done', 30_000);
}

/** The names in Firefox's download folder once no download is still being written (no `.part` left). */
async function downloaded(expected: number): Promise<string[]> {
	const names = () => readdirSync(downloads).sort();
	await expect
		.poll(
			() =>
				names().filter((name) => !name.endsWith('.part')).length === expected &&
				!names().some((name) => name.endsWith('.part')),
			{ timeout: 30_000 },
		)
		.toBe(true);
	return names();
}

function sha256OfFile(path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		createReadStream(path)
			.on('data', (chunk) => hash.update(chunk))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

describe('Firefox ESR with Chromium', () => {
	it('Firefox sends 16 MiB to Chromium byte-identical', async () => {
		await openApp(chromium.page, server.url);
		await chromium.page.getByRole('button', { name: /Receive files/ }).click();
		const link = await readQr(chromium.page);
		await openInFirefox(link);
		await firefoxConnected();
		const input = await page.waitForSelector('input[data-testid="file-input"]');
		await (input as ElementHandle<HTMLInputElement> | null)?.uploadFile(file.path);
		// Nothing leaves before the user confirms the device showing the same code.
		const confirm = await page.waitForSelector(
			'xpath/.//button[starts-with(normalize-space(.), "Send to the device showing")]',
		);
		await confirm!.click();
		const incoming = chromium.page.locator('[data-testid="transfer"][data-status="incoming"]');
		await incoming.getByRole('button', { name: 'Accept and save' }).click();
		await waitForStatus(chromium, 'done', 120_000);
		await page.waitForSelector('[data-testid="transfer"][data-status="done"]', { timeout: 30_000 });
		expect(await savedFiles(chromium.page)).toEqual([
			{ name: file.name, size: file.size, sha256: file.sha256 },
		]);
		expect(errors).toEqual([]);
	});

	it('Chromium sends two files to Firefox, downloaded byte-identical through OPFS; then no staged copy stays', async () => {
		await openInFirefox(server.url);
		await chromiumJoinsFirefox();
		const second = makeFile(dir, 'second.txt', 200_000);
		await sendFiles(chromium, [file.path, second.path]);
		await firefoxAccepts();
		for (const sent of [file, second]) {
			const saved = join(downloads, sent.name);
			await expect.poll(() => existsSync(saved) && statSync(saved).size, { timeout: 30_000 }).toBe(sent.size);
			expect(await sha256OfFile(saved)).toBe(sent.sha256);
		}
		expect(
			readdirSync(downloads)
				.filter((name) => !name.endsWith('.part'))
				.sort(),
		).toEqual([file.name, second.name].sort());
		// Each staged copy is removed a while after its download started (the app waits, as measured).
		await expect.poll(() => stagedFiles(), { timeout: 90_000, interval: 1000 }).toEqual([]);
		expect(errors).toEqual([]);
	});

	it('Chromium sends a folder of 2,000 files to Firefox: one ZIP streamed by the service worker, nothing staged; unzipped, every path and SHA-256 match', async () => {
		const tree = makeTree(dir, ROOT);
		await openInFirefox(server.url);
		await controlledByServiceWorker();
		await chromiumJoinsFirefox();
		// Chromium sends with the folder input, as a browser without a folder picker would.
		await chromium.page.evaluate(() => {
			(window as { showDirectoryPicker?: unknown }).showDirectoryPicker = undefined;
		});
		const [chooser] = await Promise.all([
			chromium.page.waitForEvent('filechooser'),
			chromium.page.locator('button', { hasText: 'Send a folder' }).click(),
		]);
		await chooser.setFiles(join(dir, ROOT));
		await confirmPeer(chromium);
		// Into one ZIP a started file cannot be taken back: the card says so while the files arrive.
		await firefoxAccepts(300_000, () => page.waitForSelector('[data-testid="one-stream-note"]'));

		expect(await downloaded(1)).toEqual([`${ROOT}.zip`]);
		expect(await stagedFiles()).toEqual([]);
		const found = await unzipped(join(downloads, `${ROOT}.zip`), join(dir, 'unzipped'));
		const files = [...found].flatMap(([path, { sha256 }]) => (sha256 ? [[path, sha256]] : []));
		expect(Object.fromEntries(files)).toEqual(Object.fromEntries(tree.files));
		expect(errors).toEqual([]);
	});

	it('Chromium sends one file to Firefox: downloaded as itself through the service worker, nothing staged', async () => {
		await openInFirefox(server.url);
		await controlledByServiceWorker();
		await chromiumJoinsFirefox();
		await sendFiles(chromium, [file.path]);
		await firefoxAccepts();

		expect(await downloaded(1)).toEqual([file.name]);
		expect(await sha256OfFile(join(downloads, file.name))).toBe(file.sha256);
		expect(await stagedFiles()).toEqual([]);
		expect(errors).toEqual([]);
	});

	it('clears files an earlier visit staged at start-up, but not those a transfer in another tab holds', async () => {
		// A page of the app's origin that runs no app code (so no clean-up of its own) stages the files.
		await page.goto(`${server.url}/icons/icon-192.png`);
		await page.evaluate(
			async (stagingDir, busyLock) => {
				const root = await navigator.storage.getDirectory();
				const staging = await root.getDirectoryHandle(stagingDir, { create: true });
				for (const folder of ['left-over', 'busy']) {
					const handle = await (
						await staging.getDirectoryHandle(folder, { create: true })
					).getFileHandle(`${folder}.bin`, { create: true });
					const writable = await handle.createWritable();
					await writable.write(new Uint8Array(1000));
					await writable.close();
				}
				// This tab stands for one whose transfer stages files in "busy": it holds that folder's lock.
				await new Promise<void>((held) => {
					void navigator.locks.request(busyLock, () => {
						held();
						return new Promise(() => {});
					});
				});
			},
			STAGING_DIR,
			stagingLock('busy'),
		);
		expect(await stagedFiles()).toEqual(['busy/busy.bin', 'left-over/left-over.bin']);
		const other = await firefox.newPage();
		await other.goto(server.url);
		await other.waitForSelector('main[data-hydrated="true"]');
		await expect.poll(() => stagedFiles(), { timeout: 10_000 }).toEqual(['busy/busy.bin']);
		expect(errors).toEqual([]);
	});
});
