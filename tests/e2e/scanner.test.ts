// The in-app QR scanner with Chromium's fake camera playing a Y4M video of a QR code: our own pairing
// code joins the session; a code from anywhere else is refused in plain words and never opened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import { connected, launchPeer, openApp, readQr, type Peer } from '../harness/browser';
import { builtFile, fakeCamera, writeQrVideo } from '../harness/pwa-helpers';

let server: RunningServer;
let dir: string;
const peers: Peer[] = [];

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = mkdtempSync(join(tmpdir(), 'pairbeam-camera-'));
});

afterAll(async () => {
	await server?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
	await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

async function peerWithCamera(text: string | null): Promise<Peer> {
	const video = join(dir, `${peers.length}.y4m`);
	if (text !== null) writeQrVideo(video, text);
	const peer = await launchPeer(server.url, text === null ? [] : fakeCamera(video));
	peers.push(peer);
	return peer;
}

/** Every script URL the page has requested so far. */
function scriptsLoaded(peer: Peer): string[] {
	const loaded: string[] = [];
	peer.page.on('request', (request) => {
		if (request.resourceType() === 'script') loaded.push(new URL(request.url()).pathname);
	});
	return loaded;
}

describe('QR scanner', () => {
	it('joins the session whose QR code the camera sees, loading qr-scanner only when opened', async () => {
		const host = await peerWithCamera(null);
		await openApp(host.page, server.url);
		await host.page.getByRole('button', { name: /Receive files/ }).click();
		const link = await readQr(host.page);

		const guest = await peerWithCamera(link);
		const scripts = scriptsLoaded(guest);
		await openApp(guest.page, server.url);
		const qrScanner = builtFile('node_modules/qr-scanner/qr-scanner.min.js');
		expect(scripts).not.toContain(qrScanner);

		await guest.page.getByRole('button', { name: 'Scan a QR code' }).click();
		await guest.page.getByTestId('connection').waitFor();
		await connected(guest);
		await connected(host);
		expect(scripts).toContain(qrScanner);
		expect(guest.page.url()).toBe(`${server.url}/`);
		expect(await guest.page.getByTestId('scanner').count()).toBe(0);
		// The camera is off once the code is read.
		expect(await guest.page.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
		expect(guest.errors).toEqual([]);
		expect(host.errors).toEqual([]);
	});

	it('refuses a QR code that is not a Pairbeam pairing code of this site, and opens nothing', async () => {
		const peer = await peerWithCamera('https://example.com/');
		await openApp(peer.page, server.url);
		await peer.page.getByRole('button', { name: 'Scan a QR code' }).click();
		const scanner = peer.page.getByTestId('scanner');
		await scanner
			.getByRole('alert')
			.filter({ hasText: 'This QR code is not a Pairbeam pairing code. It was not opened.' })
			.waitFor();
		expect(peer.page.url()).toBe(`${server.url}/`);
		expect(peer.context.pages()).toHaveLength(1);
		expect(await peer.page.getByTestId('connection').count()).toBe(0);
		await scanner.getByRole('button', { name: 'Close scanner' }).click();
		await expect.poll(() => peer.page.getByTestId('scanner').count()).toBe(0);
		expect(await peer.page.evaluate(() => document.activeElement?.textContent)).toBe('Scan a QR code');
		expect(peer.errors).toEqual([]);
	});

	it('refuses a pairing link that points at another site', async () => {
		const foreign =
			'https://pairbeam.evil.example/j#' + 'A'.repeat(20) + '.' + 'B'.repeat(32) + '.' + 'C'.repeat(32);
		const peer = await peerWithCamera(foreign);
		await openApp(peer.page, server.url);
		await peer.page.getByRole('button', { name: 'Scan a QR code' }).click();
		await peer.page
			.getByTestId('scanner')
			.getByRole('alert')
			.filter({ hasText: 'This QR code leads to another site (pairbeam.evil.example). It was not opened.' })
			.waitFor();
		expect(peer.page.url()).toBe(`${server.url}/`);
		expect(await peer.page.getByTestId('connection').count()).toBe(0);
		expect(peer.errors).toEqual([]);
	});
});
