// Firefox ESR (over WebDriver BiDi) paired with Chromium: a 16 MiB file each way, and a folder of 2,000
// files. Firefox has no save pickers, so what it receives streams through the service worker into one
// download (a ZIP for several files), or, on a first visit before the worker controls the page, is staged
// in OPFS and then downloaded.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ElementHandle } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	confirmPeer,
	launchPeer,
	openApp,
	pickFolder,
	readQr,
	savedFiles,
	sendFiles,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import {
	chromiumJoinsFirefox,
	controlledByServiceWorker,
	downloaded,
	firefoxAccepts,
	firefoxConnected,
	launchFirefox,
	openInFirefox,
	stagedFiles,
	type FirefoxPeer,
} from '../harness/firefox';
import { makeDir, makeFile, makeTree, sha256OfFile, type TestFile } from '../harness/files';
import { unzipped } from '../harness/unzip';
import { STAGING_DIR, stagingLock } from '../../src/lib/sinks/staging';

let server: RunningServer;
let dir: string;
let file: TestFile;
/** The folder Chromium sends whole. */
const ROOT = 'Projekt ✓ 日本';
let chromium: Peer;
let firefox: FirefoxPeer;

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
	firefox = await launchFirefox();
	chromium = await launchPeer(server.url);
});

afterEach(async () => {
	await firefox?.close();
	await chromium?.close();
});

describe('Firefox ESR with Chromium', () => {
	it('Firefox sends 16 MiB to Chromium byte-identical', async () => {
		await openApp(chromium.page, server.url);
		await chromium.page.getByRole('button', { name: /Receive files/ }).click();
		const link = await readQr(chromium.page);
		await openInFirefox(firefox, link);
		await firefoxConnected(firefox);
		const input = await firefox.page.waitForSelector('input[data-testid="file-input"]');
		await (input as ElementHandle<HTMLInputElement> | null)?.uploadFile(file.path);
		// Nothing leaves before the user confirms the device showing the same code.
		const confirm = await firefox.page.waitForSelector(
			'xpath/.//button[starts-with(normalize-space(.), "Send to the device showing")]',
		);
		await confirm!.click();
		const incoming = chromium.page.locator('[data-testid="transfer"][data-status="incoming"]');
		await incoming.getByRole('button', { name: 'Accept and save' }).click();
		await waitForStatus(chromium, 'done', 120_000);
		await firefox.page.waitForSelector('[data-testid="transfer"][data-status="done"]', { timeout: 30_000 });
		expect(await savedFiles(chromium.page)).toEqual([
			{ name: file.name, size: file.size, sha256: file.sha256 },
		]);
		expect(firefox.errors).toEqual([]);
	});

	it('Chromium sends two files to Firefox, downloaded byte-identical through OPFS; then no staged copy stays', async () => {
		await openInFirefox(firefox, server.url);
		await chromiumJoinsFirefox(firefox, chromium);
		const second = makeFile(dir, 'second.txt', 200_000);
		await sendFiles(chromium, [file.path, second.path]);
		await firefoxAccepts(firefox, chromium);
		for (const sent of [file, second]) {
			const saved = join(firefox.downloads, sent.name);
			await expect.poll(() => existsSync(saved) && statSync(saved).size, { timeout: 30_000 }).toBe(sent.size);
			expect(await sha256OfFile(saved)).toBe(sent.sha256);
		}
		expect(
			readdirSync(firefox.downloads)
				.filter((name) => !name.endsWith('.part'))
				.sort(),
		).toEqual([file.name, second.name].sort());
		// Each staged copy is removed a while after its download started (the app waits, as measured).
		await expect.poll(() => stagedFiles(firefox), { timeout: 90_000, interval: 1000 }).toEqual([]);
		expect(firefox.errors).toEqual([]);
	});

	it('Chromium sends a folder of 2,000 files to Firefox: one ZIP streamed by the service worker, nothing staged; unzipped, every path and SHA-256 match', async () => {
		const tree = makeTree(dir, ROOT);
		await openInFirefox(firefox, server.url);
		await controlledByServiceWorker(firefox);
		await chromiumJoinsFirefox(firefox, chromium);
		await pickFolder(chromium, join(dir, ROOT));
		await confirmPeer(chromium);
		// Into one ZIP a started file cannot be taken back: the card says so while the files arrive.
		await firefoxAccepts(firefox, chromium, 300_000, () =>
			firefox.page.waitForSelector('[data-testid="one-stream-note"]'),
		);

		expect(await downloaded(firefox, 1)).toEqual([`${ROOT}.zip`]);
		expect(await stagedFiles(firefox)).toEqual([]);
		const found = await unzipped(join(firefox.downloads, `${ROOT}.zip`), join(dir, 'unzipped'));
		const files = [...found].flatMap(([path, { sha256 }]) => (sha256 ? [[path, sha256]] : []));
		expect(Object.fromEntries(files)).toEqual(Object.fromEntries(tree.files));
		expect(firefox.errors).toEqual([]);
	});

	it('Chromium sends one file to Firefox: downloaded as itself through the service worker, nothing staged', async () => {
		await openInFirefox(firefox, server.url);
		await controlledByServiceWorker(firefox);
		await chromiumJoinsFirefox(firefox, chromium);
		await sendFiles(chromium, [file.path]);
		await firefoxAccepts(firefox, chromium);

		expect(await downloaded(firefox, 1)).toEqual([file.name]);
		expect(await sha256OfFile(join(firefox.downloads, file.name))).toBe(file.sha256);
		expect(await stagedFiles(firefox)).toEqual([]);
		expect(firefox.errors).toEqual([]);
	});

	it('clears files an earlier visit staged at start-up, but not those a transfer in another tab holds', async () => {
		// A page of the app's origin that runs no app code (so no clean-up of its own) stages the files.
		await firefox.page.goto(`${server.url}/icons/icon-192.png`);
		await firefox.page.evaluate(
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
		expect(await stagedFiles(firefox)).toEqual(['busy/busy.bin', 'left-over/left-over.bin']);
		const other = await firefox.browser.newPage();
		await other.goto(server.url);
		await other.waitForSelector('main[data-hydrated="true"]');
		await expect.poll(() => stagedFiles(firefox), { timeout: 10_000 }).toEqual(['busy/busy.bin']);
		expect(firefox.errors).toEqual([]);
	});
});
