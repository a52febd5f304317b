// TURN through coturn from Debian on 127.0.0.1, with the Worker configured for relay-only ICE: the
// transfer must go through the relay with the Worker's time-limited credentials, and a wrong secret must fail clearly.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../harness/server';
import {
	connected,
	launchPeer,
	openApp,
	savedFiles,
	sendFiles,
	showCode,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import { makeDir, makeFile, type TestFile } from '../harness/files';

const COTURN_SECRET = 'coturn-test-secret';
let turnPort: number;
let coturn: ChildProcess;
let dir: string;
let file: TestFile;
const opened: { server?: RunningServer; peers: Peer[] } = { peers: [] };

beforeAll(async () => {
	turnPort = await freePort();
	const relayBase = 10_000 + (turnPort % 18) * 500;
	coturn = spawn(
		'turnserver',
		[
			'-n',
			'--listening-ip=127.0.0.1',
			'--relay-ip=127.0.0.1',
			`--listening-port=${turnPort}`,
			`--min-port=${relayBase}`,
			`--max-port=${relayBase + 499}`,
			'--use-auth-secret',
			`--static-auth-secret=${COTURN_SECRET}`,
			'--realm=pairbeam.test',
			'--no-tls',
			'--no-dtls',
			'--allow-loopback-peers',
			'--no-multicast-peers',
			'--no-cli',
			'--log-file=stdout',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let log = '';
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${log}`)), 15_000);
		coturn.stdout?.on('data', (chunk: Buffer) => {
			log += chunk.toString();
			if (/Total General servers|relay ports/i.test(log)) {
				clearTimeout(timer);
				resolve();
			}
		});
		coturn.once('exit', (code) => reject(new Error(`coturn exited with ${code}:\n${log}`)));
	});
	dir = makeDir();
	file = makeFile(dir, 'through-the-relay.bin', 4 * 1024 * 1024);
});

afterAll(() => {
	coturn?.kill('SIGTERM');
	rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
	for (const peer of opened.peers.splice(0)) await peer.close();
	await opened.server?.stop();
	opened.server = undefined;
});

async function pairThroughRelay(workerSecret: string): Promise<{ receiver: Peer; sender: Peer }> {
	const server = await startServer({
		skipBuild: true,
		vars: {
			STUN_URLS: '',
			TURN_URLS: `turn:127.0.0.1:${turnPort}?transport=udp`,
			TURN_SECRET: workerSecret,
			ICE_TRANSPORT_POLICY: 'relay',
		},
	});
	opened.server = server;
	const receiver = await launchPeer(server.url);
	const sender = await launchPeer(server.url);
	opened.peers.push(receiver, sender);
	await openApp(sender.page, await showCode(receiver, server.url));
	return { receiver, sender };
}

describe('TURN relay (coturn on loopback, relay-only ICE)', () => {
	it('sends through the relay with the Worker’s time-limited credentials and says so', async () => {
		const { receiver, sender } = await pairThroughRelay(COTURN_SECRET);
		for (const peer of [receiver, sender]) {
			await connected(peer, 30_000);
			await expect.poll(() => peer.page.getByTestId('route').getAttribute('data-relayed')).toBe('true');
		}
		expect(await receiver.page.getByTestId('route').textContent()).toContain('relay');
		await sendFiles(sender, [file.path]);
		await receiver.page
			.locator('[data-testid="transfer"][data-status="incoming"]')
			.getByRole('button', { name: 'Accept and save' })
			.click();
		await waitForStatus(receiver, 'done', 60_000);
		expect(await savedFiles(receiver.page)).toEqual([
			{ name: file.name, size: file.size, sha256: file.sha256 },
		]);
	});

	it('fails with a clear message when the Worker’s TURN secret is wrong', async () => {
		const { receiver, sender } = await pairThroughRelay('not-the-coturn-secret');
		for (const peer of [sender, receiver]) {
			const alert = peer.page.getByRole('alert').filter({ hasText: 'relay server refused' });
			await alert.waitFor({ timeout: 30_000 });
			expect(await peer.page.getByTestId('connection').getAttribute('data-state')).toBe('ended');
		}
	});
});
