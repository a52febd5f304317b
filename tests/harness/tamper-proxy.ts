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

export async function startTamperProxy(upstream: string): Promise<TamperProxy> {
	let tampered = 0;
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
			target.on('open', () => pending.splice(0).forEach((m) => target.send(m)));
			client.on('message', (data) => {
				const text = data.toString();
				if (target.readyState === WebSocket.OPEN) target.send(text);
				else pending.push(text);
			});
			target.on('message', (data) => {
				const frame = JSON.parse(data.toString());
				if (frame.type === 'signal' && frame.data?.kind === 'description') {
					frame.data.description.sdp = swapFingerprints(frame.data.description.sdp);
					tampered += 1;
				}
				client.send(JSON.stringify(frame));
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
		tampered: () => tampered,
		close: () =>
			new Promise((resolve) => {
				wss.clients.forEach((c) => c.terminate());
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
