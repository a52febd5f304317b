// A malicious signaling server for tests: a proxy in front of the real Worker that passes pages and API
// calls through but swaps the DTLS fingerprints in every relayed SDP. It exists only in the test suite.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface TamperProxy {
	url: string;
	/** How many SDP descriptions were altered on their way through. */
	tampered(): number;
	close(): Promise<void>;
}

/** Flips the first byte of every fingerprint: what a server substituting its own certificate would do. */
export function swapFingerprints(sdp: string): string {
	return sdp.replace(/^(a=fingerprint:\S+ )([0-9A-Fa-f]{2})/gm, (_m, head: string, byte: string) => {
		const flipped = (parseInt(byte, 16) ^ 0xff).toString(16).toUpperCase().padStart(2, '0');
		return `${head}${flipped}`;
	});
}

async function body(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Rewrites what the Worker sends one page; `null` drops the frame. One per WebSocket, to keep state in. */
export type FrameRewriter = (frame: { type: string; [field: string]: unknown }) => object | null;

export async function startTamperProxy(upstream: string): Promise<TamperProxy> {
	let tampered = 0;
	const proxy = await startSignalingProxy(upstream, () => (frame) => {
		const data = frame.data as { kind?: string; description?: { sdp: string } } | undefined;
		if (frame.type === 'signal' && data?.kind === 'description' && data.description) {
			data.description.sdp = swapFingerprints(data.description.sdp);
			tampered += 1;
		}
		return frame;
	});
	return { ...proxy, tampered: () => tampered };
}

/** A proxy in front of the Worker that passes everything, each frame to a page through a `rewriter()`. */
export async function startSignalingProxy(
	upstream: string,
	rewriter: () => FrameRewriter,
): Promise<Omit<TamperProxy, 'tampered'>> {
	const wss = new WebSocketServer({ noServer: true });
	const server: Server = createServer(async (req, res) => {
		const headers = new Headers();
		for (const [name, value] of Object.entries(req.headers)) {
			if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
				headers.set(name, value);
			}
		}
		const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
		const answer = await fetch(`${upstream}${req.url}`, {
			method: req.method,
			headers,
			body: hasBody ? new Uint8Array(await body(req)) : undefined,
			redirect: 'manual',
		});
		const out: Record<string, string> = {};
		answer.headers.forEach((value, name) => {
			if (!['content-encoding', 'content-length', 'transfer-encoding'].includes(name)) out[name] = value;
		});
		res.writeHead(answer.status, out);
		res.end(Buffer.from(await answer.arrayBuffer()));
	});
	server.on('upgrade', (req, socket, head) => {
		wss.handleUpgrade(req, socket, head, (client) => {
			const target = new WebSocket(`${upstream.replace(/^http/, 'ws')}${req.url}`);
			const pending: string[] = [];
			const rewrite = rewriter();
			target.on('open', () => pending.splice(0).forEach((m) => target.send(m)));
			client.on('message', (data) => {
				const text = data.toString();
				if (target.readyState === WebSocket.OPEN) target.send(text);
				else pending.push(text);
			});
			target.on('message', (data) => {
				const frame = rewrite(JSON.parse(data.toString()));
				if (frame) client.send(JSON.stringify(frame));
			});
			const closeBoth = () => {
				client.close();
				target.close();
			};
			client.on('close', closeBoth);
			target.on('close', closeBoth);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise((resolve) => {
				wss.clients.forEach((c) => c.terminate());
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
