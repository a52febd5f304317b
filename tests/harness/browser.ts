// Two real Chromium peers for end-to-end tests: persistent contexts (received files land on disk in
// OPFS), save pickers replaced by OPFS handles so the app's real createWritable() path runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--allow-loopback-in-peer-connection',
];

/** The folder the stubbed pickers hand out; tests read received files back from it. */
export const SAVED_DIR = 'saved';

const pickerStub = `(() => {
	const saved = async () => (await navigator.storage.getDirectory()).getDirectoryHandle('${SAVED_DIR}', { create: true });
	window.showSaveFilePicker = async (options = {}) => (await saved()).getFileHandle(options.suggestedName || 'file', { create: true });
	window.showDirectoryPicker = async () => saved();
})();`;

export interface Peer {
	/** The browser's profile folder; its main process carries it as --user-data-dir. */
	profile: string;
	context: BrowserContext;
	page: Page;
	cdp: CDPSession;
	errors: string[];
	/** Closes the browser and deletes its profile, or keeps it (`keepProfile`) for a relaunch on it. */
	close(keepProfile?: boolean): Promise<void>;
}

/** A Chromium on a new profile, or on `profile` when given (a browser relaunched on the same device). */
export async function launchPeer(origin: string, args: string[] = [], profile?: string): Promise<Peer> {
	const dir = profile ?? mkdtempSync(join(tmpdir(), 'pairbeam-profile-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: [...CHROMIUM_ARGS, ...args],
	});
	await context.grantPermissions(['camera', 'microphone'], { origin });
	await context.addInitScript(pickerStub);
	const page = context.pages()[0] ?? (await context.newPage());
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	const cdp = await context.newCDPSession(page);
	await cdp.send('Performance.enable');
	return {
		profile: dir,
		context,
		page,
		cdp,
		errors,
		async close(keepProfile = false) {
			await context.close().catch(() => undefined);
			if (!keepProfile) rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Opens a page of the app and waits until it is hydrated (buttons work from then on). */
export async function openApp(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await page.locator('main[data-hydrated="true"]').waitFor();
}

/** Opens the app, presses Receive files and returns the pairing link its QR code shows (decoded from pixels). */
export async function showCode(peer: Peer, origin: string): Promise<string> {
	await openApp(peer.page, origin);
	await peer.page.getByRole('button', { name: /Receive files/ }).click();
	return readQr(peer.page);
}

/**
 * The receiver shows the QR code, the sender opens the link it holds; resolves with the link once both pages
 * say they are connected.
 */
export async function pairPeers(
	receiver: Peer,
	sender: Peer,
	origin: string,
	timeout?: number,
): Promise<string> {
	const link = await showCode(receiver, origin);
	await openApp(sender.page, link);
	await connected(receiver, timeout);
	await connected(sender, timeout);
	return link;
}

/** Resolves once the peer's page says it is connected to the other device. */
export function connected(peer: Peer, timeout = 20_000): Promise<void> {
	return peer.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout });
}

/** Decodes the QR code the page shows from a screenshot of it (the pixels, not a DOM attribute). */
export async function readQr(page: Page): Promise<string> {
	const qr = page.getByTestId('qr');
	await qr.waitFor();
	await page.waitForFunction(() => {
		const canvas = document.querySelector('[data-testid="qr"]') as HTMLCanvasElement | null;
		return !!canvas && canvas.width > 100;
	});
	const png = PNG.sync.read(await qr.screenshot());
	const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
	if (!decoded) throw new Error('no QR code found in the screenshot');
	return decoded.data;
}

export interface SavedFile {
	name: string;
	size: number;
	sha256: string;
}

/** Every file in the receiver's save folder, hashed in the page (SHA-256, hex). */
export function savedFiles(page: Page): Promise<SavedFile[]> {
	return page.evaluate(async (dirName) => {
		const root = await navigator.storage.getDirectory();
		const dir = await root.getDirectoryHandle(dirName, { create: true });
		const out: { name: string; size: number; sha256: string }[] = [];
		for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
			if (handle.kind !== 'file') continue;
			const file = await (handle as FileSystemFileHandle).getFile();
			const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
			const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
			out.push({ name, size: file.size, sha256: hex });
		}
		return out.sort((a, b) => a.name.localeCompare(b.name));
	}, SAVED_DIR);
}

export async function jsHeapUsed(cdp: CDPSession): Promise<number> {
	const { metrics } = await cdp.send('Performance.getMetrics');
	return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
}

/** Samples `read()` every `intervalMs` until stopped; returns the peak. */
export function peakSampler(read: () => Promise<number>, intervalMs = 100): { stop(): Promise<number> } {
	let peak = 0;
	let running = true;
	const loop = (async () => {
		while (running) {
			peak = Math.max(peak, await read().catch(() => 0));
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	})();
	return {
		async stop() {
			running = false;
			await loop;
			return peak;
		},
	};
}

/** Samples a peer's JS heap; returns the peak in bytes. */
export const heapSampler = (cdp: CDPSession) => peakSampler(() => jsHeapUsed(cdp));

/**
 * Resolves once the page shows a transfer card in `status` (incoming, active, done, failed, …). When it does
 * not, the error says what the page shows instead, so a failure in CI can be read without a rerun.
 */
export async function waitForStatus(peer: Peer, status: string, timeout = 60_000): Promise<void> {
	try {
		await peer.page.locator(`[data-testid="transfer"][data-status="${status}"]`).first().waitFor({ timeout });
	} catch (error) {
		const shown = await peer.page
			.evaluate(() => {
				const connection = document.querySelector('[data-testid="connection"]');
				const cards = [...document.querySelectorAll('[data-testid="transfer"]')].map(
					(card) =>
						`${card.getAttribute('data-status')}: ${card.querySelector('[data-testid="transfer-status"]')?.textContent}`,
				);
				const notices = [...document.querySelectorAll('[role="alert"]')].map((n) => n.textContent?.trim());
				return `connection ${connection?.getAttribute('data-state')} (${connection?.textContent?.trim()}); transfers [${cards.join('; ')}]; alerts [${notices.join('; ')}]`;
			})
			.catch((reason: unknown) => `page unreadable: ${String(reason)}`);
		throw new Error(
			`No transfer reached "${status}" within ${timeout} ms. The page shows: ${shown}. Page errors: [${peer.errors.join('; ')}]`,
			{ cause: error },
		);
	}
}

/** The sender's button that confirms the device on the other end; its name carries the code both screens show. */
export function confirmButton(peer: Peer) {
	return peer.page.getByRole('button', { name: /^Send to the device showing \d{3} \d{3}$/ });
}

/** Presses the confirm button, as a user does after comparing the codes; returns the code it named. */
export async function confirmPeer(peer: Peer, timeout = 20_000): Promise<string> {
	const button = confirmButton(peer);
	await button.waitFor({ timeout });
	const code = /\d{3} \d{3}/.exec((await button.textContent()) ?? '')?.[0];
	if (!code) throw new Error('the confirm button names no verification code');
	await button.click();
	return code;
}

/**
 * Picks `paths` on the peer's send screen, as a user choosing files would; when connected to a device
 * not yet confirmed, confirms it (nothing is sent before that). While the link is being rebuilt (a lane
 * lost) the state reads `reconnecting`; the confirm button comes back with the link, as a user would see,
 * so it is waited for instead of the files being left held for ever.
 */
export async function sendFiles(peer: Peer, paths: string[]): Promise<void> {
	await peer.page.getByTestId('file-input').setInputFiles(paths);
	const status = peer.page.getByTestId('connection');
	const state = await status.getAttribute('data-state');
	if (
		(state === 'connected' || state === 'reconnecting') &&
		(await status.getAttribute('data-confirmed')) !== 'true'
	)
		await confirmPeer(peer);
}

/**
 * Picks the folder at `path` with "Send a folder" through the folder input, as in a browser without a folder
 * picker; like a pick, it is held until the device is confirmed.
 */
export async function pickFolder(peer: Peer, path: string): Promise<void> {
	await peer.page.evaluate(() => {
		(window as { showDirectoryPicker?: unknown }).showDirectoryPicker = undefined;
	});
	const [chooser] = await Promise.all([
		peer.page.waitForEvent('filechooser'),
		peer.page.locator('button', { hasText: 'Send a folder' }).click(),
	]);
	await chooser.setFiles(path);
}
