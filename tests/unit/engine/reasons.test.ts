// Why a transfer ended crosses the link as a code (protocol/frames.ts CANCEL_REASONS), never as a sentence:
// each side words it in the language it shows, and an unknown code stops the hub like any bad field.
import { afterEach, describe, expect, it } from 'vitest';
import { english, isolate, speakWith, type Messages } from '../../../src/lib/errors';
import * as german from '../../../src/lib/paraglide/messages/de.js';
import {
	CANCEL_REASONS,
	MAX_FILES,
	type CancelReason,
	type FileMeta,
} from '../../../src/lib/protocol/frames';
import type { FileSink } from '../../../src/lib/sinks/sink';
import type { FileSource } from '../../../src/lib/transfer/types';
import { MemoryTarget, patternSource } from '../../harness/memory-files';
import { MiB, Pairing, facing, isPlainError, quiet, until } from './peers';

afterEach(() => speakWith(() => english));

/** How this device words each reason the other device gives (a person's cancel is no failure). */
const WORDED: Record<Exclude<CancelReason, 'cancelled'>, string> = {
	refused: 'The other device refused the files: a name or path in them cannot be saved there.',
	unreadable: 'The other device could not read a file it was sending.',
	'disk-full': 'The other device ran out of space to save the files.',
	'not-allowed': 'The other device was not allowed to save the files.',
	'not-saved': 'The other device could not save the files.',
	unverified: 'The other device could not verify a file after saving it, so it did not keep it.',
	protocol: 'The other device stopped the transfer: what this device sent did not follow the protocol.',
	failed: 'The other device stopped the transfer because of an error there.',
};

const meta = (name: string, size: number): FileMeta => ({ name, size, type: '', lastModified: 0 });

/** A hub that received an offer of one file and accepted it, facing a scripted sender. */
async function receiving() {
	const { peer, remote, pair } = facing();
	remote.control({ t: 'offer', transfer: 'tx', files: [meta('a.bin', 10)] });
	await until(() => peer.hub.findIncoming('tx') !== undefined, 'the offer');
	const transfer = peer.hub.findIncoming('tx')!;
	await transfer.accept(new MemoryTarget());
	return { peer, remote, pair, transfer };
}

/** A hub that offered one file, accepted by a scripted receiver that grants no credit yet. */
async function sending() {
	const { peer, remote, pair } = facing();
	peer.hub.send([patternSource('a.bin', 10)]);
	await until(() => remote.controls.some((m) => m.t === 'offer'), 'the offer');
	const transfer = peer.hub.transfers[0];
	remote.control({ t: 'accept', transfer: transfer.id, credit: 0 });
	await until(() => transfer.status === 'active', 'the accept');
	return { peer, remote, pair, transfer };
}

/** A file whose every read fails, as one deleted or changed after it was picked. */
function unreadableSource(name: string, size: number): FileSource {
	const failing = { arrayBuffer: () => Promise.reject(new DOMException('changed', 'NotReadableError')) };
	return { ...patternSource(name, size), slice: () => failing as unknown as Blob };
}

describe('a cancel carries a reason code', () => {
	for (const [side, start] of [
		['receiver', receiving],
		['sender', sending],
	] as const) {
		it.each(Object.entries(WORDED))(
			`a ${side} told "%s" fails the transfer, worded on this device`,
			async (reason, message) => {
				const { peer, remote, transfer } = await start();
				remote.control({ t: 'cancel', transfer: transfer.id, index: null, reason: reason as CancelReason });
				await until(() => transfer.status === 'failed', 'the failure');
				expect(transfer.error?.message).toBe(message);
				expect(isPlainError(transfer.error)).toBe(true);
				expect(peer.broken).toEqual([]);
			},
		);

		it(`a ${side} told "cancelled" shows a cancel, not a failure`, async () => {
			const { remote, transfer } = await start();
			remote.control({ t: 'cancel', transfer: transfer.id, index: null, reason: 'cancelled' });
			await until(() => transfer.status === 'cancelled', 'the cancel');
			expect(transfer.error).toBeUndefined();
		});
	}

	it('every code but a person’s cancel has its words', () => {
		expect([...CANCEL_REASONS].sort()).toEqual(['cancelled', ...Object.keys(WORDED)].sort());
	});

	it.each([
		['an unknown code', 'busy'],
		['an English sentence, as before codes', 'cancelled by sender'],
	])('stops the hub on a cancel with %s, as on any bad field', async (_name, reason) => {
		const { peer, remote, transfer } = await receiving();
		const json = JSON.stringify({ t: 'cancel', transfer: 'tx', index: null, reason });
		remote.raw(new Uint8Array([1, ...new TextEncoder().encode(json)]));
		await until(() => peer.broken.length > 0, 'the hub to stop');
		expect(peer.broken[0].message).toBe(
			`The transfer stopped: the other device sent a bad frame (reason must be one of ${CANCEL_REASONS.join(', ')}).`,
		);
		expect(peer.broken[0].hint).toBe('Reload both pages and pair again.');
		expect(transfer.status).toBe('failed');
	});
});

describe('a failure on one device reaches the other as its code', () => {
	it('a file the sender cannot read: "unreadable", and the receiver says so in its words', async () => {
		const peers = new Pairing();
		const incoming = await peers.offer([unreadableSource('gone.bin', 3 * MiB)]);
		await incoming.accept(new MemoryTarget());
		await peers.finished();
		await quiet(peers.pair);
		const id = peers.outgoing.id;
		expect(peers.pair.controls('a').filter((m) => m.t === 'cancel')).toEqual([
			{ t: 'cancel', transfer: id, index: null, reason: 'unreadable' },
		]);
		expect(peers.outgoing.error?.message).toBe(`“${isolate('gone.bin')}” could not be read.`);
		expect(incoming.status).toBe('failed');
		expect(incoming.error).toMatchObject({
			message: 'The other device could not read a file it was sending.',
			hint: 'Ask the sender to check the file, then send it again.',
		});
		expect([peers.sender.broken, peers.receiver.broken]).toEqual([[], []]);
	});

	it('a full disk on the receiver: "disk-full", and the sender says so in its words', async () => {
		const peers = new Pairing();
		const target = new MemoryTarget({ diskBytes: MiB });
		await peers.transfer([patternSource('big.bin', 6 * MiB)], target);
		await quiet(peers.pair);
		const id = peers.outgoing.id;
		expect(peers.pair.controls('b').filter((m) => m.t === 'cancel')).toEqual([
			{ t: 'cancel', transfer: id, index: null, reason: 'disk-full' },
		]);
		expect(peers.incoming.error?.message).toBe(`Not enough disk space to save “${isolate('big.bin')}”.`);
		expect(peers.outgoing.status).toBe('failed');
		expect(peers.outgoing.error).toMatchObject({
			message: 'The other device ran out of space to save the files.',
			hint: 'Free some space on the other device, then send the files again.',
		});
		expect(target.sinks[0].state).toBe('aborted');
	});

	it('a file the receiver may not keep when closing it: "not-allowed", the error naming that file', async () => {
		class Forbidding extends MemoryTarget {
			override async open(index: number, file: FileMeta): Promise<FileSink> {
				const sink = await super.open(index, file);
				sink.close = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
				return sink;
			}
		}
		const peers = new Pairing();
		await peers.transfer([patternSource('kept.bin', MiB + 5)], new Forbidding());
		await quiet(peers.pair);
		const denied = `Pairbeam was not allowed to save “${isolate('kept.bin')}”.`;
		expect(peers.incoming.error?.message).toBe(denied);
		expect(peers.incoming.files[0].error?.message).toBe(denied);
		expect(peers.pair.controls('b').filter((m) => m.t === 'cancel')).toEqual([
			{ t: 'cancel', transfer: peers.outgoing.id, index: null, reason: 'not-allowed' },
		]);
		expect(peers.outgoing.error?.message).toBe('The other device was not allowed to save the files.');
	});
});

describe('engine errors read in the language shown', () => {
	const inGerman = () => speakWith(() => german as unknown as Messages);

	it('a failure from the other device, in German, then in English again after switching back', async () => {
		const peers = new Pairing();
		const incoming = await peers.offer([unreadableSource('gone.bin', 10)]);
		await incoming.accept(new MemoryTarget());
		await peers.finished();
		inGerman();
		expect(incoming.error).toMatchObject({
			message: 'Das andere Gerät konnte eine Datei, die es gerade sendete, nicht lesen.',
			hint: 'Bitte den Absender, die Datei zu prüfen und sie dann erneut zu senden.',
		});
		speakWith(() => english);
		expect(incoming.error?.message).toBe('The other device could not read a file it was sending.');
	});

	it('a bad frame, in German, with the parser’s detail left in English', async () => {
		const { peer, remote } = await receiving();
		remote.raw(new Uint8Array([1, 0x7b, 0x7d]));
		await until(() => peer.broken.length > 0, 'the hub to stop');
		inGerman();
		expect(peer.broken[0]).toMatchObject({
			message:
				'Die Übertragung wurde gestoppt: Das andere Gerät hat einen fehlerhaften Frame gesendet (unknown control message type).',
			hint: 'Lade beide Seiten neu und kopple erneut.',
		});
		expect(peer.hub.transfers[0].error?.message).toBe(peer.broken[0].message);
	});

	it('a file named in a sentence keeps its name, isolated, in German', async () => {
		const { transfer, remote } = await sending();
		remote.control({ t: 'resume', transfer: transfer.id, index: 0, offset: 7, credit: MiB });
		await until(() => transfer.status === 'failed', 'the refusal');
		inGerman();
		expect(transfer.error?.message).toBe(
			`Das andere Gerät hat einen Teil von „${isolate('a.bin')}“ angefordert, den es nicht gibt.`,
		);
	});

	it('a path the sender will not offer, worded in German, its path isolated', () => {
		const { peer } = facing();
		const refused = peer.hub.send([{ ...patternSource('aux.c', 1), path: 'src/aux.c' }]);
		inGerman();
		expect(refused?.message).toBe(
			`Der Pfad „${isolate('src/aux.c')}“ verwendet „${isolate('aux.c')}“, einen Namen, den Windows reserviert. Es wurde nichts gesendet.`,
		);
	});

	it('a path the receiver refuses, worded in German, the path shortened and isolated', async () => {
		const { peer, remote } = facing();
		const deep = `${'d/'.repeat(32)}x.bin`;
		remote.control({ t: 'offer', transfer: 'tx', files: [{ ...meta('x.bin', 1), path: deep }] });
		await until(() => peer.hub.findIncoming('tx')?.status === 'failed', 'the refusal');
		inGerman();
		expect(peer.hub.findIncoming('tx')?.error?.message).toBe(
			`Die angebotenen Dateien wurden abgelehnt. Der Pfad „${isolate(`${'d/'.repeat(30)}…`)}“ hat mehr als 32 Teile.`,
		);
	});

	it('a count with its plural and the reader’s digits, in German', () => {
		const { peer } = facing();
		const refused = peer.hub.send(Array<FileSource>(MAX_FILES + 1).fill(patternSource('a', 0)));
		inGerman();
		expect(refused?.message).toBe('Ein Angebot darf höchstens 50.000 Dateien enthalten.');
		speakWith(() => english);
		expect(refused?.message).toBe('An offer may hold at most 50,000 files.');
	});
});
