// Time to connect: from opening the deep link to the DataChannel being open, read from the app's own
// User Timing mark in the joining page (so it is measured by the browser, not by this process's polling).
import { connected, launchPeer, showCode } from '../tests/harness/browser.ts';

export async function connectTimes(origin: string, pairings: number): Promise<number[]> {
	const rx = await launchPeer(origin);
	const tx = await launchPeer(origin);
	const times: number[] = [];
	try {
		for (let i = 0; i < pairings; i++) {
			const link = await showCode(rx, origin);
			// From /j#old to /j#new would only change the fragment; a blank page in between makes it a real load.
			await tx.page.goto('about:blank');
			await tx.page.goto(link);
			await connected(tx, 30_000);
			times.push(
				await tx.page.evaluate(
					() => performance.getEntriesByName('pairbeam:channel-open')[0]?.startTime ?? NaN,
				),
			);
		}
	} finally {
		await rx.close();
		await tx.close();
	}
	return times;
}
