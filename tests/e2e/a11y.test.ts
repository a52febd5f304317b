// axe-core on every screen of a real pairing, in light and dark: home, scanner open, QR code waiting,
// connected with an incoming offer (a file and a folder of more files than get rows), transfer done. No
// serious or critical violation is allowed.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	confirmPeer,
	connected,
	launchPeer,
	openApp,
	readQr,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import { makeDir, makeFile } from '../harness/files';
import { seriousA11yViolations, type AxeViolation } from '../harness/pwa-helpers';

let server: RunningServer;
let dir: string;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
});

afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

/** Checks the screen as it is now, in light and in dark colours; returns violations by screen name. */
async function audit(peer: Peer, screen: string): Promise<Record<string, AxeViolation[]>> {
	const found: Record<string, AxeViolation[]> = {};
	for (const colorScheme of ['light', 'dark'] as const) {
		await peer.page.emulateMedia({ colorScheme });
		found[`${screen} (${colorScheme})`] = await seriousA11yViolations(peer.page);
	}
	return found;
}

describe('accessibility', () => {
	it('has no serious or critical axe violations on any screen, light or dark, at 360 px wide', async () => {
		const receiver = await launchPeer(server.url, ['--use-fake-device-for-media-stream']);
		const sender = await launchPeer(server.url);
		try {
			await receiver.page.setViewportSize({ width: 360, height: 740 });
			await openApp(receiver.page, server.url);
			let results = await audit(receiver, 'home');

			await receiver.page.getByRole('button', { name: 'Scan a QR code' }).click();
			await receiver.page.getByText('Point the camera at the QR code').waitFor();
			results = { ...results, ...(await audit(receiver, 'scanner open')) };
			await receiver.page.getByRole('button', { name: 'Close scanner' }).click();

			await receiver.page.getByRole('button', { name: /Receive files/ }).click();
			const link = await readQr(receiver.page);
			results = { ...results, ...(await audit(receiver, 'QR code, waiting')) };

			await sender.page.setViewportSize({ width: 360, height: 740 });
			await openApp(sender.page, link);
			await connected(receiver);
			await connected(sender);
			await sender.page.getByTestId('file-input').setInputFiles([makeFile(dir, 'report.pdf', 200_000).path]);
			const folder = join(dir, 'Ordner ✓');
			mkdirSync(folder);
			for (let i = 0; i < 55; i++) makeFile(folder, `teil-${i}.txt`, 10);
			await sender.page.getByTestId('folder-input').setInputFiles(folder);
			await sender.page.getByRole('button', { name: /^Send to the device showing / }).waitFor();
			results = { ...results, ...(await audit(sender, 'sender, confirm the device')) };
			await confirmPeer(sender);
			const offer = receiver.page.locator('[data-testid="transfer"][data-status="incoming"]');
			await offer.waitFor();
			await offer.getByTestId('tree-folder').waitFor();
			await offer.getByTestId('files-more').waitFor();
			results = { ...results, ...(await audit(receiver, 'connected, incoming offer')) };

			await offer.getByRole('button', { name: 'Accept and save' }).click();
			await waitForStatus(receiver, 'done', 30_000);
			results = { ...results, ...(await audit(receiver, 'transfer done')) };
			results = { ...results, ...(await audit(sender, 'sender, transfer done')) };

			expect(Object.keys(results)).toHaveLength(14);
			expect(Object.fromEntries(Object.entries(results).filter(([, v]) => v.length > 0))).toEqual({});
			expect(receiver.errors).toEqual([]);
			expect(sender.errors).toEqual([]);
		} finally {
			await receiver.close();
			await sender.close();
		}
	});
});
