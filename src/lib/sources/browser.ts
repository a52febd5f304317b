// Reads what the browser hands over as SourceNodes: directory handles (showDirectoryPicker, and drops in
// Chromium) and the older entries of drops elsewhere. A drop's items can be read only during the drop
// event, so every item is asked for its handle, entry and file at once, and walked afterwards.
import type { PickerWindow } from '../sinks/fs-access';
import { collect, type Picked, type SourceNode } from './picked';

export function handleNode(handle: FileSystemHandle): SourceNode {
	if (handle.kind === 'file') {
		const file = handle as FileSystemFileHandle;
		return { kind: 'file', name: file.name, file: () => file.getFile() };
	}
	const dir = handle as FileSystemDirectoryHandle;
	return {
		kind: 'directory',
		name: dir.name,
		async *children() {
			for await (const child of dir.values()) yield handleNode(child);
		},
	};
}

export function entryNode(entry: FileSystemEntry): SourceNode {
	if (entry.isFile) {
		const file = entry as FileSystemFileEntry;
		return { kind: 'file', name: file.name, file: () => new Promise((done, fail) => file.file(done, fail)) };
	}
	const dir = entry as FileSystemDirectoryEntry;
	return {
		kind: 'directory',
		name: dir.name,
		async *children() {
			// readEntries gives a folder in batches (100 at a time in Chromium) until one comes back empty.
			const reader = dir.createReader();
			for (;;) {
				const batch = await new Promise<FileSystemEntry[]>((done, fail) => reader.readEntries(done, fail));
				if (batch.length === 0) return;
				for (const child of batch) yield entryNode(child);
			}
		},
	};
}

export function canPickFolder(): boolean {
	return typeof (window as unknown as PickerWindow).showDirectoryPicker === 'function';
}

/** Asks for a folder to send, with the folders and files inside it. Call it inside the user's click. */
export async function pickFolder(): Promise<Picked> {
	const w = window as unknown as Required<PickerWindow>;
	const dir = await w.showDirectoryPicker({ mode: 'read', id: 'pairbeam-send' });
	return collect([handleNode(dir)]);
}

type ItemWithHandle = DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> };

/** What one dropped item is: its handle where the browser gives one, else its entry, else its file. */
function itemNode(item: ItemWithHandle): Promise<SourceNode | null> {
	// What does not come from the file system (an image dragged from a page) may have no handle: its entry
	// or its file then serves.
	const handle = item.getAsFileSystemHandle?.().catch(() => null) ?? Promise.resolve(null);
	const entry = item.webkitGetAsEntry?.() ?? null;
	const file = item.getAsFile();
	return handle.then((found) => {
		if (found) return handleNode(found);
		if (entry) return entryNode(entry);
		return file ? { kind: 'file', name: file.name, file: async () => file } : null;
	});
}

/** The files and folders of a drop, loose files and folders mixed. Call it inside the drop event. */
export async function fromDataTransfer(data: DataTransfer): Promise<Picked> {
	const items = [...data.items].filter((item) => item.kind === 'file').map(itemNode);
	const nodes = await Promise.all(items);
	return collect(nodes.filter((node) => node !== null));
}
