// Pair once, then remember: after a pairing by QR code one device asks to remember the other, the other
// allows, and only then do both keep the same pairing (IndexedDB), registered with the server by its id.
// Relaunched on the same profiles, each sees the other online, and one tap connects them with no QR code.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	connected,
	launchPeer,
	openApp,
	pairPeers,
	savedFiles,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import { makeDir, makeFile } from '../harness/files';

interface Stored {
	id: string;
	name: string;
	secret: string;
	role: string;
}

let server: RunningServer;
let receiver: Peer;
let sender: Peer;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
});

afterAll(async () => {
	await server?.stop();
});

beforeEach(async () => {
	receiver = await launchPeer(server.url);
	sender = await launchPeer(server.url);
});

afterEach(async () => {
	await receiver?.close();
	await sender?.close();
});

/** What the page keeps in IndexedDB; reads nothing (and creates nothing) where the app made no database. */
const storedPairings = (peer: Peer): Promise<Stored[]> =>
	peer.page.evaluate(async () => {
		if (!(await indexedDB.databases()).some((db) => db.name === 'pairbeam')) return [];
		return new Promise<Stored[]>((resolve, reject) => {
			const open = indexedDB.open('pairbeam');
			open.onerror = () => reject(open.error);
			open.onsuccess = () => {
				const db = open.result;
				const all = db.transaction('pairings').objectStore('pairings').getAll();
				all.onerror = () => reject(all.error);
				all.onsuccess = () => {
					db.close();
					resolve(all.result as Stored[]);
				};
			};
		});
	});

/** Names the device on its home screen, as a user does in the name field. */
async function nameDevice(peer: Peer, name: string): Promise<void> {
	await openApp(peer.page, server.url);
	await peer.page.getByLabel('This device’s name').fill(name);
	await peer.page.getByLabel('This device’s name').press('Tab');
}

/** The remember section while its handshake is at `value`. */
const inPhase = (peer: Peer, value: string) =>
	peer.page.locator(`[data-testid="remember"][data-phase="${value}"]`);

const phase = (peer: Peer, value: string) => inPhase(peer, value).waitFor();

/** The button that confirms the other device by its code and remembers it (or allows its request). */
async function rememberByCode(peer: Peer): Promise<void> {
	const code = await peer.page.getByTestId('verification-code').textContent();
	await peer.page.getByRole('button', { name: `Remember the device showing ${code}` }).click();
}

/** What both pages show about the link and the question: said when the question never arrives. */
async function shown(peers: Record<string, Peer>): Promise<string> {
	const parts = await Promise.all(
		Object.entries(peers).map(async ([who, peer]) => {
			const state = await peer.page.getByTestId('connection').getAttribute('data-state');
			const remember = peer.page.getByTestId('remember');
			const text = (await remember.count()) ? await remember.textContent() : '(no remember section)';
			return `${who}: connection ${state}; ${text}`;
		}),
	);
	return parts.join(' | ');
}

/** From now on, records every state the page's connection status shows (read back by `linkStates`). */
const watchLink = (peer: Peer) =>
	peer.page.evaluate(() => {
		const w = window as unknown as { __linkStates: string[]; __linkWatch?: MutationObserver };
		w.__linkStates = [];
		// One watcher per page: a second attempt starts the record again instead of adding another.
		w.__linkWatch?.disconnect();
		w.__linkWatch = new MutationObserver(() => {
			const state = document.querySelector('[data-testid="connection"]')?.getAttribute('data-state');
			if (state) w.__linkStates.push(state);
		});
		w.__linkWatch.observe(document.body, {
			subtree: true,
			childList: true,
			attributes: true,
			attributeFilter: ['data-state'],
		});
	});

const linkStates = (peer: Peer) =>
	peer.page.evaluate(() => (window as unknown as { __linkStates: string[] }).__linkStates);

/**
 * `asker` taps Remember by its code until `asked` shows the question. A link that drops meanwhile ends the
 * question and the asker is told so (CI's loaded machine once lost a link on its own): then, and only then, it
 * asks again once the link is back, as a user would.
 */
async function askToRemember(asker: Peer, asked: Peer): Promise<void> {
	const question = inPhase(asked, 'asked');
	const notice = asker.page.getByTestId('remember').getByRole('status');
	for (let attempt = 1; attempt <= 2; attempt++) {
		await watchLink(asker);
		await watchLink(asked);
		// Asked again, by the code or, when the confirmation held across the drop, without it.
		if (attempt === 1) await rememberByCode(asker);
		else
			await asker.page.getByRole('button', { name: /^Remember (this device$|the device showing )/ }).click();
		const deadline = Date.now() + 30_000;
		while (Date.now() < deadline && !(await question.count()) && !(await notice.count())) {
			await asker.page.waitForTimeout(200);
		}
		if (await question.count()) return;
		const states = [...(await linkStates(asker)), ...(await linkStates(asked))];
		const what = `${await shown({ asker, asked })} | link states since the tap: ${states.join(', ')}`;
		if (states.every((state) => state === 'connected'))
			throw new Error(`The question never arrived. ${what}`);
		console.log(`[e2e] the link dropped before the question arrived (attempt ${attempt}): ${what}`);
		await connected(asker, 30_000);
		await connected(asked, 30_000);
	}
	throw new Error(`The link dropped under every question. ${await shown({ asker, asked })}`);
}

describe('remembering a device', () => {
	it('keeps the same pairing on both only once both agreed, registered with the server; Forget removes it', async () => {
		await nameDevice(receiver, 'Laptop');
		await nameDevice(sender, 'Phone');
		await pairPeers(receiver, sender, server.url);

		await askToRemember(receiver, sender);
		expect(await sender.page.getByTestId('remember').textContent()).toContain(
			'“\u2068Laptop\u2069” wants to remember this device.',
		);
		// Asking stores nothing, on either side.
		expect(await storedPairings(receiver)).toEqual([]);
		expect(await storedPairings(sender)).toEqual([]);

		await rememberByCode(sender);
		await phase(sender, 'remembered');
		await phase(receiver, 'remembered');
		await expect.poll(async () => (await storedPairings(receiver)).length, { timeout: 10_000 }).toBe(1);
		await expect.poll(async () => (await storedPairings(sender)).length, { timeout: 10_000 }).toBe(1);
		const [onReceiver] = await storedPairings(receiver);
		const [onSender] = await storedPairings(sender);
		expect(onReceiver).toMatchObject({ name: 'Phone', role: 'host' });
		expect(onSender).toMatchObject({ name: 'Laptop', role: 'guest' });
		expect(onReceiver.id).toBe(onSender.id);
		expect(onReceiver.secret).toBe(onSender.secret);
		expect(await receiver.page.getByTestId('remember').textContent()).toContain(
			'These devices remember each other: “\u2068Phone\u2069” is now on your home screen.',
		);

		// The server has a room under that id, taken by the devices' own tokens.
		const taken = await fetch(`${server.url}/api/pairings`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Origin: server.url },
			body: JSON.stringify({ id: onReceiver.id, hostToken: 'h'.repeat(32), guestToken: 'g'.repeat(32) }),
		});
		expect(taken.status).toBe(409);

		// It outlives the page: the home screen lists it after a reload, until the user forgets it.
		await openApp(receiver.page, server.url);
		const listed = receiver.page.getByTestId('remembered-device');
		await expect.poll(() => listed.allTextContents()).toEqual([expect.stringContaining('Phone')]);
		await receiver.page.getByRole('button', { name: 'Forget “Phone”' }).click();
		await expect.poll(() => listed.count()).toBe(0);
		expect(await storedPairings(receiver)).toEqual([]);
		expect(receiver.errors).toEqual([]);
		expect(sender.errors).toEqual([]);
	});

	it('relaunched: each lists the other online, one tap connects with no QR code and a 16 MiB file arrives whole; forgotten on one side, the other drops it', async () => {
		const dir = makeDir();
		try {
			const file = makeFile(dir, 'sixteen.bin', 16 * 1024 * 1024);
			await nameDevice(receiver, 'Laptop');
			await nameDevice(sender, 'Phone');
			await pairPeers(receiver, sender, server.url);
			await askToRemember(receiver, sender);
			await rememberByCode(sender);
			for (const peer of [receiver, sender]) {
				await expect.poll(async () => (await storedPairings(peer)).length, { timeout: 10_000 }).toBe(1);
			}

			// Both browsers close and start again on the same profiles, as after a restart.
			const profiles = [receiver.profile, sender.profile];
			await receiver.close(true);
			await sender.close(true);
			receiver = await launchPeer(server.url, [], profiles[0]);
			sender = await launchPeer(server.url, [], profiles[1]);
			await openApp(receiver.page, server.url);
			const opened = performance.now();
			await openApp(sender.page, server.url);
			const online = (peer: Peer, name: string) =>
				peer.page.locator('[data-testid="remembered-device"][data-online="true"]', { hasText: name });
			await online(sender, 'Laptop').waitFor({ timeout: 10_000 });
			await online(receiver, 'Phone').waitFor({ timeout: 10_000 });
			const seen = performance.now();

			const tapped = performance.now();
			await online(sender, 'Laptop')
				.getByRole('button', { name: /^Laptop/ })
				.click();
			await connected(sender);
			await connected(receiver);
			// Figures for the record, not conditions: the issue asks for online within 2 s, a tap under 1 s.
			console.log(
				`[remember] both online ${Math.round(seen - opened)} ms from opening the second app (page load included); ` +
					`tap to connected ${Math.round(performance.now() - tapped)} ms`,
			);
			expect(await sender.page.getByTestId('connection').textContent()).toContain(
				'Connected to “\u2068Laptop\u2069”.',
			);
			expect(await sender.page.getByTestId('qr').count()).toBe(0);
			expect(await receiver.page.getByTestId('qr').count()).toBe(0);
			// A remembered device needs no code confirmed: the file is offered at once.
			await sender.page.getByTestId('file-input').setInputFiles([file.path]);
			await waitForStatus(receiver, 'incoming');
			await receiver.page.getByRole('button', { name: /^Accept and save from the device showing/ }).click();
			await waitForStatus(receiver, 'done');
			await waitForStatus(sender, 'done');
			expect(await savedFiles(receiver.page)).toEqual([
				{ name: 'sixteen.bin', size: file.size, sha256: file.sha256 },
			]);

			// Back home, a file dropped on the laptop's row goes straight to it.
			await sender.page.getByRole('button', { name: 'Leave session' }).click();
			await online(sender, 'Laptop').waitFor({ timeout: 10_000 });
			await online(sender, 'Laptop').evaluate((row) => {
				const data = new DataTransfer();
				data.items.add(new File(['dropped on the row'], 'dropped.txt', { type: 'text/plain' }));
				row.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
			});
			await connected(sender);
			await expect
				.poll(() => receiver.page.locator('[data-testid="transfer"][data-status="incoming"]').count())
				.toBe(1);
			expect(
				await receiver.page
					.locator('[data-testid="transfer"][data-status="incoming"]')
					.getByTestId('file-name')
					.allTextContents(),
			).toEqual(['dropped.txt']);

			// The phone is closed; the laptop forgets it; the phone starts again and finds it forgotten.
			await sender.close(true);
			await receiver.page.getByRole('button', { name: 'Leave session' }).click();
			await receiver.page.getByRole('button', { name: 'Forget “Phone”' }).click();
			await expect.poll(async () => (await storedPairings(receiver)).length).toBe(0);
			sender = await launchPeer(server.url, [], profiles[1]);
			await openApp(sender.page, server.url);
			await sender.page
				.getByText('“\u2068Laptop\u2069” forgot this device, so it was removed here too.')
				.waitFor();
			await expect.poll(() => sender.page.getByTestId('remembered-device').count()).toBe(0);
			const section = await sender.page.getByTestId('remembered').textContent();
			await expect
				.poll(async () => (await storedPairings(sender)).length, { message: section ?? '', timeout: 10_000 })
				.toBe(0);
			expect(receiver.errors).toEqual([]);
			expect(sender.errors).toEqual([]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('stores nothing when the other device answers Not now', async () => {
		await pairPeers(receiver, sender, server.url);
		await askToRemember(sender, receiver);
		await receiver.page.getByRole('button', { name: 'Not now' }).click();
		await phase(receiver, 'idle');
		await sender.page
			.getByTestId('remember')
			.getByText('The other device did not agree to remember this one. Nothing was stored.')
			.waitFor();
		expect(await storedPairings(receiver)).toEqual([]);
		expect(await storedPairings(sender)).toEqual([]);
	});
});
