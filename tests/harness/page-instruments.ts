// What tests and benchmarks observe inside a page without changing the app: an init script that keeps every
// RTCPeerConnection and WebSocket the app makes and counts the file bytes it sends, and the route getStats() reports.
import type { Page } from 'playwright-core';

/**
 * Where a frame's kind byte sits in a DataChannel message: after the stripe's sequence number
 * (STRIPE_HEADER_BYTES; written out, as the benchmark runs in plain Node; a unit test holds them equal).
 */
export const KIND_AT = 4;

/**
 * Init script: `window.__pcs` and `window.__sockets` list every peer connection and WebSocket in order, and
 * `window.__dataBytes` sums the payloads of the data frames (kind byte 2 after the sequence number, 13-byte
 * header) the page sent; `window.__credits` lists the cumulative credits its control frames (kind byte 1, then
 * JSON) granted.
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
	window.__credits = [];
	const Original = RTCPeerConnection;
	window.RTCPeerConnection = class extends Original {
		constructor(...args) {
			super(...args);
			window.__pcs.push(this);
		}
	};
	const send = RTCDataChannel.prototype.send;
	RTCDataChannel.prototype.send = function (data) {
		if (data instanceof Uint8Array && data[${KIND_AT}] === 2) window.__dataBytes += data.byteLength - ${KIND_AT} - 13;
		// A bare channel's bytes (the benchmark's) may start like a control frame too: only JSON that parses counts.
		if (data instanceof Uint8Array && data[${KIND_AT}] === 1 && data[${KIND_AT} + 1] === 0x7b) {
			try {
				const message = JSON.parse(new TextDecoder().decode(data.subarray(${KIND_AT} + 1)));
				if (message.t === 'credit') window.__credits.push(message.credit);
			} catch {}
		}
		return send.call(this, data);
	};
})();`;

/** The cumulative credits a page instrumented with `instrumentPage` has granted, in order. */
export function creditsGranted(page: Page): Promise<number[]> {
	return page.evaluate(() => (window as unknown as { __credits: number[] }).__credits);
}

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

/** The selected candidate pair of each of the page's peer connections, in the order they were made. */
export function selectedRoutes(page: Page): Promise<Route[]> {
	return page.evaluate(() =>
		Promise.all(
			(window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map(async (pc) => {
				const stats = await pc.getStats();
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
			}),
		),
	);
}

/** The route of the page's first peer connection (lane 0 of its first link). */
export const selectedRoute = async (page: Page): Promise<Route> => (await selectedRoutes(page))[0];
