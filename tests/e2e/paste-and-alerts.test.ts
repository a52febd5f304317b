// What a connected screen does with the clipboard and with a hidden tab: a file or text pasted anywhere is
// sent; received text shows its http(s) links clickable and nothing else; an offer that arrives while the
// tab is hidden raises a system notification (Chromium, notifications granted) and a count in the title.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import { confirmPeer, launchPeer, pairPeers, waitForStatus, type Peer } from '../harness/browser';

/** Records each Notification the page creates, and still creates it: the browser shows it as usual. */
const recordNotifications = `(() => {
	const Real = window.Notification;
	window.__notifications = [];
	window.Notification = class extends Real {
		constructor(title, options) {
			super(title, options);
			window.__notifications.push(this);
		}
	};
})();`;

interface Shown {
	title: string;
	body: string;
	tag: string;
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
	await receiver.context.grantPermissions(['notifications'], { origin: server.url });
	await receiver.context.addInitScript(recordNotifications);
	await pairPeers(receiver, sender, server.url);
});

afterEach(async () => {
	await receiver?.close();
	await sender?.close();
});

/** Pastes into the page as the keyboard shortcut does: a paste event whose clipboard holds `files` or `text`. */
function paste(peer: Peer, clipboard: { files?: { name: string; text: string }[]; text?: string }) {
	return peer.page.evaluate(({ files, text }) => {
		const data = new DataTransfer();
		for (const file of files ?? []) data.items.add(new File([file.text], file.name, { type: 'text/plain' }));
		if (text) data.setData('text/plain', text);
		document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
	}, clipboard);
}

describe('the clipboard on a connected screen', () => {
	it('sends a pasted file, once the device is confirmed', async () => {
		await paste(sender, { files: [{ name: 'pasted.txt', text: 'from the clipboard' }] });
		await confirmPeer(sender);
		await waitForStatus(receiver, 'incoming');
		expect(await receiver.page.getByTestId('file-name').allTextContents()).toEqual(['pasted.txt']);
	});

	it('sends pasted text; received, only its https link is a link, a javascript: one stays text', async () => {
		await paste(sender, { text: 'javascript:alert(1) and https://example.com/a?b=1' });
		await confirmPeer(sender);
		const text = receiver.page.getByTestId('text');
		await expect
			.poll(() => text.allTextContents())
			.toEqual(['javascript:alert(1) and https://example.com/a?b=1']);
		const links = await text
			.locator('a')
			.evaluateAll((anchors) =>
				anchors.map((a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel') })),
			);
		expect(links).toEqual([{ href: 'https://example.com/a?b=1', rel: 'noopener noreferrer' }]);

		// Copy puts the text, as it was written, on the receiver's clipboard.
		await receiver.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
		await receiver.page.getByRole('button', { name: 'Copy this text' }).click();
		await receiver.page.getByRole('button', { name: 'Copy this text' }).getByText('Copied').waitFor();
		expect(await receiver.page.evaluate(() => navigator.clipboard.readText())).toBe(
			'javascript:alert(1) and https://example.com/a?b=1',
		);
		expect(receiver.errors).toEqual([]);
	});
});

describe('an offer while the tab is hidden', () => {
	it('shows a notification and a count in the title; the notification leads to the Accept button', async () => {
		// Headless Chromium never hides a page (checked: a minimized window, another tab in front and a
		// background target all leave it "visible"), so the tab is hidden the way the browser tells a page:
		// document.hidden and visibilityState change, then a visibilitychange event.
		const visibility = (hidden: boolean) =>
			receiver.page.evaluate((hide) => {
				if (hide) {
					Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
					Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
				} else {
					delete (document as { hidden?: boolean }).hidden;
					delete (document as { visibilityState?: string }).visibilityState;
				}
				document.dispatchEvent(new Event('visibilitychange'));
			}, hidden);
		await visibility(true);

		await sender.page.getByTestId('file-input').setInputFiles({
			name: 'report.pdf',
			mimeType: 'application/pdf',
			buffer: Buffer.from('%PDF-1.7'),
		});
		await confirmPeer(sender);
		await waitForStatus(receiver, 'incoming');
		const shown = () =>
			receiver.page.evaluate(() =>
				(window as unknown as { __notifications: Notification[] }).__notifications.map((n): Shown => ({
					title: n.title,
					body: n.body,
					tag: n.tag,
				})),
			);
		await expect.poll(shown).toEqual([
			{
				title: 'Files offered to you',
				body: 'The other device wants to send 1 file.',
				tag: expect.any(String),
			},
		]);
		await expect.poll(() => receiver.page.title()).toMatch(/^\(1\) /);

		await visibility(false);
		await receiver.page.evaluate(() =>
			(window as unknown as { __notifications: Notification[] }).__notifications[0].onclick?.(
				new Event('click'),
			),
		);
		expect(await receiver.page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).toMatch(
			/^Accept and save from the device showing \d{3} \d{3}$/,
		);
		await expect.poll(() => receiver.page.title()).not.toMatch(/^\(\d+\) /);
		expect(receiver.errors).toEqual([]);
	});
});
