// Chromium's File System Access API: the user picks the file (one) or a folder (several) once, in the
// click that accepted, and every byte streams to disk from there.
import { NameAllocator } from './filename';
import { handleSink } from './handle-sink';
import { NewFiles } from './new-file';
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
export function pickSaveTarget(files: readonly FileMeta[]): Promise<SaveTarget> {
	const w = window as unknown as Required<PickerWindow>;
	if (files.length === 1) {
		// The user chose this very file in the save dialog, so replacing it is their explicit choice.
		const name = new NameAllocator().take(files[0].name);
		return w.showSaveFilePicker({ suggestedName: name }).then((handle) => ({
			description: handle.name,
			open: () => handleSink(handle),
		}));
	}
	return w.showDirectoryPicker({ mode: 'readwrite', id: 'pairbeam-save' }).then(async (dir) => {
		// The folder holds the user's own files: each arriving file gets a name none of them has.
		const newFiles = await NewFiles.in(dir);
		return {
			description: `the folder “${dir.name}”`,
			async open(_index: number, meta: FileMeta) {
				const file = await newFiles.create(meta.name);
				return handleSink(file.handle, {
					async beforeCommit() {
						if (!(await file.untouched())) {
							throw new Error(
								`another program saved a file as “${file.name}” while it arrived; that file was left as it is`,
							);
						}
					},
					discard: () => file.discard(),
				});
			},
		};
	});
}
