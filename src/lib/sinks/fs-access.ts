// Chromium's File System Access API: the user picks the file (one) or a folder (several, or a folder sent
// whole, whose tree is recreated inside it) once, in the click that accepted; every byte streams from there.
import { NameAllocator } from './filename';
import { handleSink } from './handle-sink';
import { NewTree } from './new-file';
import type { SaveTarget } from './sink';
import type { FileMeta } from '../protocol/frames';

/** The pickers of the File System Access API, where the browser has them. */
export interface PickerWindow {
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
	if (files.length === 1 && files[0].path === undefined) {
		// The user chose this very file in the save dialog, so replacing it is their explicit choice.
		const name = new NameAllocator().take(files[0].name);
		return w.showSaveFilePicker({ suggestedName: name }).then((handle) => ({
			description: handle.name,
			open: () => handleSink(handle),
		}));
	}
	return w.showDirectoryPicker({ mode: 'readwrite', id: 'pairbeam-save' }).then(async (dir) => {
		// The folder holds the user's own files: each arriving file and folder gets a name none of them has.
		const tree = await NewTree.in(dir);
		return {
			description: `the folder “${dir.name}”`,
			folders: (paths) => tree.folders(paths),
			async open(_index: number, meta: FileMeta) {
				const file = await tree.create(meta);
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
