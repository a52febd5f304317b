// A folder in flight: files with relative paths and empty folders, an offer too large for one frame, and
// offers whose paths the receiver must refuse, between real hubs (or a hand-driven peer) in Node.
import { describe, expect, it } from 'vitest';
import {
	decodeFrame,
	encodeControl,
	MAX_FILES,
	type ControlMessage,
	type FileMeta,
} from '../../../src/lib/protocol/frames';
import { BLOCK_BYTES } from '../../../src/lib/transfer/blocks';
import type { FileSource } from '../../../src/lib/transfer/types';
import { MemoryPair } from '../../harness/memory-channel';
import { MemoryTarget, patternSha256, patternSource } from '../../harness/memory-files';
import { Pairing, ScriptedPeer, facing, isPlainError, quiet, until } from './peers';

/** A file of the pattern `seed` at `path` (a loose file when the path has no folder). */
function at(path: string, size: number, seed: number): FileSource {
	const name = path.slice(path.lastIndexOf('/') + 1);
	const source = patternSource(name, size, seed);
	return path.includes('/') ? { ...source, path } : source;
}

/** A memory target that also records the empty folders it was asked to make. */
class FolderTarget extends MemoryTarget {
	readonly made: string[][] = [];

	async folders(paths: readonly string[]): Promise<void> {
		this.made.push([...paths]);
	}
}

const control = (frame: Uint8Array): ControlMessage | undefined => {
	const decoded = decodeFrame(frame);
	return decoded.ok && decoded.value.kind === 'control' ? decoded.value.message : undefined;
};

describe('a folder end to end', () => {
	it('carries each file’s path and the empty folders; the target gets both, every file byte for byte', async () => {
		const peers = new Pairing();
		const tree: [string, number][] = [
			['Ünïcode 日本/a.txt', 10],
			['Ünïcode 日本/sub/deeper/b.bin', BLOCK_BYTES + 5],
			['loose.txt', 0],
		];
		const folders = ['Ünïcode 日本/empty', 'Ünïcode 日本/sub/also empty'];
		expect(
			peers.sender.hub.send(
				tree.map(([path, size], i) => at(path, size, i + 1)),
				folders,
			),
		).toBeNull();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer');
		const incoming = peers.incoming;
		const paths = ['Ünïcode 日本/a.txt', 'Ünïcode 日本/sub/deeper/b.bin', undefined];
		expect(incoming.view().files.map((f) => f.path)).toEqual(paths);
		expect(incoming.view().folders).toEqual(folders);
		expect(peers.outgoing.view().folders).toEqual(folders);

		const target = new FolderTarget();
		await incoming.accept(target);
		await peers.finished();
		expect([peers.outgoing.status, incoming.status]).toEqual(['done', 'done']);
		expect(target.made).toEqual([folders]);
		expect(target.sinks.map((s) => s.meta.path)).toEqual(paths);
		for (const [i, [, size]] of tree.entries()) {
			expect(target.sinks[i].state).toBe('closed');
			expect(target.sinks[i].sha256()).toBe(patternSha256(size, i + 1));
		}
	});

	it('asks a target for no folders when the offer has none', async () => {
		const peers = new Pairing();
		const target = new FolderTarget();
		await peers.transfer([at('a/b.txt', 3, 1)], target);
		expect(target.made).toEqual([]);
		expect(target.sinks[0].meta.path).toBe('a/b.txt');
	});

	it('sends 2,000 files with paths as several offer frames; the receiver sees one offer, whole', async () => {
		const peers = new Pairing();
		const files = Array.from({ length: 2_000 }, (_, i) =>
			at(
				`Photos/${2020 + (i % 7)}/Summer trip ${i % 13}/IMG_2026${String(i).padStart(6, '0')}.jpg`,
				i % 5,
				i,
			),
		);
		expect(peers.sender.hub.send(files, ['Photos/empty'])).toBeNull();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer');
		const offers = peers.pair.controls('a').filter((m) => m.t === 'offer' || m.t === 'offer-part');
		expect(offers.map((m) => m.t)).toEqual(['offer-part', 'offer']);
		expect(peers.receiver.hub.transfers.length).toBe(1);
		expect(peers.incoming.metas.map((m) => m.path)).toEqual(files.map((f) => f.path));
		expect(peers.incoming.folders).toEqual(['Photos/empty']);
		const target = new FolderTarget();
		await peers.incoming.accept(target);
		await peers.finished();
		expect(peers.incoming.status).toBe('done');
		expect(target.sinks.every((s, i) => s.sha256() === patternSha256(i % 5, i))).toBe(true);
	});

	it('delivers 50,000 files (MAX_FILES) with paths in one transfer', { timeout: 120_000 }, async () => {
		const peers = new Pairing();
		const files = Array.from({ length: MAX_FILES }, (_, i) =>
			at(`tree/${i % 10}/${i % 100}/f${i}.txt`, i % 3, i),
		);
		expect(peers.sender.hub.send(files)).toBeNull();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer');
		const target = new MemoryTarget({ keepBytes: false });
		await peers.incoming.accept(target);
		await peers.finished();
		expect([peers.outgoing.status, peers.incoming.status]).toEqual(['done', 'done']);
		expect(target.sinks.length).toBe(MAX_FILES);
		expect(target.sinks.at(-1)?.meta.path).toBe(`tree/9/99/f${MAX_FILES - 1}.txt`);
		expect(target.sinks.every((s, i) => s.state === 'closed' && s.sha256() === patternSha256(i % 3, i))).toBe(
			true,
		);
	});

	it('offers again, whole, an offer whose frames the link lost half-way', async () => {
		const peers = new Pairing();
		const files = Array.from({ length: 4_000 }, (_, i) => at(`deep/folder/name/file-${i}.txt`, 1, i));
		// The first frame (an offer-part) arrives, the last (the offer) is lost with the link.
		peers.pair.tap = (frame) => {
			if (control(frame)?.t !== 'offer') return [frame];
			peers.pair.close();
			return [];
		};
		expect(peers.sender.hub.send(files)).toBeNull();
		await until(() => !peers.pair.open, 'the cut');
		await quiet(peers.pair);
		expect(peers.pair.controls('a').map((m) => m.t)).toEqual(['offer-part']);
		expect(peers.receiver.hub.transfers.length).toBe(0);
		peers.connect();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer again');
		expect(peers.incoming.metas.length).toBe(4_000);
		await peers.incoming.accept(new MemoryTarget());
		await peers.finished();
		expect([peers.outgoing.status, peers.incoming.status]).toEqual(['done', 'done']);
		expect(peers.receiver.broken).toEqual([]);
	});
});

describe('what a sender refuses to offer', () => {
	it.each([
		[
			'a path that leaves the folder',
			[at('../x.txt', 1, 1)],
			[],
			'The path “\u2068../x.txt\u2069” leaves the chosen folder. Nothing was sent.',
		],
		[
			'a reserved name',
			[at('src/con/x.c', 1, 1)],
			[],
			'The path “\u2068src/con/x.c\u2069” uses “\u2068con\u2069”, a name Windows reserves. Nothing was sent.',
		],
		[
			'a hostile empty folder',
			[at('a/x.txt', 1, 1)],
			['a/../../b'],
			'The path “\u2068a/../../b\u2069” leaves the chosen folder. Nothing was sent.',
		],
	])('%s, in plain words, and offers nothing', async (_name, files, folders, message) => {
		const peers = new Pairing();
		const refused = peers.sender.hub.send(files, folders);
		expect(refused?.message).toBe(message);
		expect(isPlainError(refused ?? undefined)).toBe(true);
		await quiet(peers.pair);
		expect(peers.sender.hub.transfers).toEqual([]);
		expect(peers.pair.count).toBe(0);
	});

	it('more than MAX_FILES files, in plain words', () => {
		const peers = new Pairing();
		const source = patternSource('a', 0);
		const refused = peers.sender.hub.send(Array<FileSource>(MAX_FILES + 1).fill(source));
		expect(refused?.message).toBe('An offer may hold at most 50,000 files.');
		expect(isPlainError(refused ?? undefined)).toBe(true);
	});
});

const hostile = (path: string): FileMeta => ({
	name: path.slice(path.lastIndexOf('/') + 1),
	size: 5,
	type: '',
	lastModified: 0,
	path,
});

describe('an offer with a path that cannot be saved', () => {
	it('is refused whole with its reason: the receiver saves nothing, tells the sender why, and goes on', async () => {
		const { peer, remote, pair } = facing();
		remote.control({ t: 'offer', transfer: 'evil', files: [hostile('ok/a.txt'), hostile('ok/../../b.txt')] });
		await until(() => peer.hub.findIncoming('evil') !== undefined, 'the offer');
		const refused = peer.hub.findIncoming('evil')!;
		expect(refused.view()).toMatchObject({
			status: 'failed',
			files: [{ status: 'failed' }, { status: 'failed' }],
		});
		expect(refused.error?.message).toBe(
			'The offered files were refused. The path “\u2068ok/../../b.txt\u2069” leaves the chosen folder.',
		);
		expect(isPlainError(refused.error)).toBe(true);
		await quiet(pair);
		expect(remote.controls).toEqual([{ t: 'cancel', transfer: 'evil', index: null, reason: 'refused' }]);
		expect(peer.broken).toEqual([]);

		remote.control({ t: 'offer', transfer: 'good', files: [hostile('ok/a.txt')] });
		await until(() => peer.hub.findIncoming('good') !== undefined, 'the next offer');
		expect(peer.hub.findIncoming('good')?.status).toBe('incoming');
	});

	it('is refused again when it is offered again on a new link (the refusal may have been lost)', async () => {
		const { peer, remote } = facing();
		const offer: ControlMessage = { t: 'offer', transfer: 'evil', files: [hostile('C:/x.txt')] };
		remote.control(offer);
		await until(() => remote.controls.length > 0, 'the refusal');
		const pair = new MemoryPair();
		const again = new ScriptedPeer(pair.a);
		peer.hub.attach(pair.b, 256 * 1024);
		again.control(offer);
		await quiet(pair);
		expect(again.controls).toEqual([
			{
				t: 'cancel',
				transfer: 'evil',
				index: null,
				reason: 'refused',
			},
		]);
		expect(peer.hub.transfers.length).toBe(1);
	});

	it('reaches a real sender as a clear error, when the path was changed on the way', async () => {
		const peers = new Pairing();
		peers.pair.tap = (frame) => {
			const message = control(frame);
			if (message?.t !== 'offer') return [frame];
			const files = message.files.map((f) => ({ ...f, name: 'aux', path: 'a/aux' }));
			return [encodeControl({ ...message, files })];
		};
		expect(peers.sender.hub.send([at('a/fine.txt', 5, 1)])).toBeNull();
		await until(() => peers.outgoing.status === 'failed', 'the sender to hear the refusal');
		expect(peers.outgoing.error?.message).toBe(
			'The other device refused the files: a name or path in them cannot be saved there.',
		);
		expect(isPlainError(peers.outgoing.error)).toBe(true);
		expect(peers.receiver.hub.transfers[0].status).toBe('failed');
	});

	it('stops the hub when the frames of two offers interleave', async () => {
		const { peer, remote } = facing();
		remote.control({ t: 'offer-part', transfer: 'a', files: [hostile('x/a.txt')] });
		remote.control({ t: 'offer', transfer: 'b', files: [hostile('x/b.txt')] });
		await until(() => peer.broken.length > 0, 'the hub to stop');
		expect(peer.broken[0].message).toBe(
			'The transfer stopped: the other device sent a bad offer (an offer began before offer a ended).',
		);
		expect(peer.hub.transfers).toEqual([]);
	});
});
