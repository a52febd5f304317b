// Chromium's File System Access API: the user picks the file (one) or a folder (several) once, in the
// click that accepted, and every byte streams to disk from there.
import { NameAllocator } from './filename';
import { handleSink } from './handle-sink';
import type { SaveTarget } from './sink';
import type { FileMeta } from '../protocol/frames';

interface PickerWindow {
	showSaveFilePicker?: (options?: { suggestedName?: string }) => Promise<FileSystemFileHandle>;
	showDirectoryPicker?: (options?: {
		mode?: 'read' | 'readwrite';
		id?: string;
	}) => Promise<FileSystemDirectoryHandle>;
}

export function hasFileSystemAccess(): boolean {
	const w = window as unknown as PickerWindow;
	return typeof w.showSaveFilePicker === 'function' && typeof w.showDirectoryPicker === 'function';
}

/** Must be called synchronously inside the user's click: the pickers need that gesture. */
export function pickSaveTarget(files: FileMeta[]): Promise<SaveTarget> {
	const w = window as unknown as Required<PickerWindow>;
	const names = new NameAllocator();
	if (files.length === 1) {
		const name = names.take(files[0].name);
		return w.showSaveFilePicker({ suggestedName: name }).then((handle) => ({
			description: handle.name,
			open: () => handleSink(handle, async () => {}),
		}));
	}
	return w.showDirectoryPicker({ mode: 'readwrite', id: 'pairbeam-save' }).then((dir) => ({
		description: `the folder “${dir.name}”`,
		async open(_index: number, meta: FileMeta) {
			const name = names.take(meta.name);
			const handle = await dir.getFileHandle(name, { create: true });
			return handleSink(handle, () => dir.removeEntry(name).catch(() => undefined));
		},
	}));
}
