// What tests and benchmarks observe inside a page without changing the app: an init script that keeps every
// RTCPeerConnection and WebSocket the app makes and counts the file bytes it sends, and the route getStats() reports.
import type { Page } from 'playwright-core';

/**
 * Init script: `window.__pcs` and `window.__sockets` list every peer connection and WebSocket in order, and
 * `window.__dataBytes` sums the payloads of the data frames (kind byte 2, 13-byte header) the page sent.
 */
export const instrumentPage = `(() => {
	window.__pcs = [];
	window.__sockets = [];
	const OriginalSocket = WebSocket;
	window.WebSocket = class extends OriginalSocket {
		constructor(...args) {
			super(...args);
			window.__sockets.push(this);
		}
	};
	window.__dataBytes = 0;
	const Original = RTCPeerConnection;
	window.RTCPeerConnection = class extends Original {
		constructor(...args) {
			super(...args);
			window.__pcs.push(this);
		}
	};
	const send = RTCDataChannel.prototype.send;
	RTCDataChannel.prototype.send = function (data) {
		if (data instanceof Uint8Array && data[0] === 2) window.__dataBytes += data.byteLength - 13;
		return send.call(this, data);
	};
})();`;

/** File bytes a page instrumented with `instrumentPage` has sent in data frames, resends included. */
export function dataBytesSent(page: Page): Promise<number> {
	return page.evaluate(() => (window as unknown as { __dataBytes: number }).__dataBytes);
}

export interface Route {
	/** The selected candidate pair's latest round trip (STUN consent checks), in ms. */
	rttMs: number;
	/** Bytes the transport sent, DTLS and SCTP overhead and retransmissions included. */
	bytesSent: number;
	/** The remote address and port the page's packets go to. */
	remote: string;
}

/** The selected candidate pair of the page's latest peer connection, as its own getStats() reports it. */
export function selectedRoute(page: Page): Promise<Route> {
	return page.evaluate(async () => {
		const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
		const stats = await pcs[pcs.length - 1].getStats();
		const byId = new Map<string, Record<string, unknown>>();
		stats.forEach((report: Record<string, unknown>) => byId.set(report.id as string, report));
		const transport = [...byId.values()].find((r) => r.type === 'transport');
		const pair = byId.get(transport?.selectedCandidatePairId as string);
		const remote = byId.get(pair?.remoteCandidateId as string);
		return {
			rttMs: Number(pair?.currentRoundTripTime) * 1000,
			bytesSent: Number(transport?.bytesSent),
			remote: `${String(remote?.address)}:${String(remote?.port)}`,
		};
	});
}
