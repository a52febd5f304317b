// First paint and bytes of the app shell, on a first visit (network) and on an offline visit served by
// the service worker; bytes are what the page fetched from the network (CDP encodedDataLength).
import { launchPeer, openApp } from '../tests/harness/browser.ts';

export interface LoadResult {
	firstPaintMs: number;
	networkBytes: number;
}

export interface FirstLoad {
	online: LoadResult;
	offline: LoadResult;
	precachedBytes: number;
}

export async function firstLoad(origin: string): Promise<FirstLoad> {
	const peer = await launchPeer(origin);
	try {
		let bytes = 0;
		const fromWorker = new Set<string>();
		await peer.cdp.send('Network.enable');
		peer.cdp.on('Network.responseReceived', (event) => {
			if (event.response.fromServiceWorker) fromWorker.add(event.requestId);
		});
		peer.cdp.on('Network.loadingFinished', (event) => {
			if (!fromWorker.has(event.requestId)) bytes += event.encodedDataLength;
		});
		const paint = () =>
			peer.page.evaluate(
				() =>
					new Promise<number>((resolve) => {
						const read = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
						const poll = () => (read() === undefined ? setTimeout(poll, 20) : resolve(read()!));
						poll();
					}),
			);
		await openApp(peer.page, origin);
		const online = { firstPaintMs: await paint(), networkBytes: bytes };
		// Once installed, the worker controls the next load of the page.
		await peer.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await peer.page.reload();
		await peer.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
		const precachedBytes = await peer.page.evaluate(async () => {
			let total = 0;
			for (const name of await caches.keys()) {
				const cache = await caches.open(name);
				for (const request of await cache.keys()) total += (await (await cache.match(request))!.blob()).size;
			}
			return total;
		});
		await peer.context.setOffline(true);
		bytes = 0;
		await peer.page.reload();
		await peer.page.locator('main[data-hydrated="true"]').waitFor();
		const offline = { firstPaintMs: await paint(), networkBytes: bytes };
		return { online, offline, precachedBytes };
	} finally {
		await peer.close();
	}
}
