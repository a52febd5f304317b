// An offer of a whole folder can hold tens of thousands of files, so the screen shows only its top level
// with totals; they come from one pass over the paths, each folder met once through a tree of names.

/** One file of an offer, by its relative path (checked by `validatePath`). */
export interface PathEntry {
	path: string;
	size: number;
}

/** A top-level folder with the files at any depth inside it. */
export interface FolderSummary {
	kind: 'folder';
	name: string;
	files: number;
	bytes: number;
}

/** A file at the top level of the offer. */
export interface FileSummary {
	kind: 'file';
	name: string;
	size: number;
}

export interface TreeSummary {
	/** Top-level files and folders in the order they first appear: among the files, then the empty folders. */
	entries: (FolderSummary | FileSummary)[];
	files: number;
	bytes: number;
	/** Distinct folders at every depth, those that hold files and the empty ones. */
	folders: number;
}

interface Node {
	children: Map<string, Node>;
}

/**
 * Summarises an offer's files and its empty folders (their paths, in the offer's separate folder list) in
 * time linear in the total length of the paths.
 */
export function summarizeTree(
	files: readonly PathEntry[],
	emptyFolders: readonly string[] = [],
): TreeSummary {
	const root: Node = { children: new Map() };
	const top = new Map<string, FolderSummary>();
	const entries: (FolderSummary | FileSummary)[] = [];
	let folders = 0;
	let bytes = 0;

	/** Walks `names` from the root, counting the folders not met before; gives the top-level one. */
	const enter = (names: readonly string[]): FolderSummary => {
		let node = root;
		for (const name of names) {
			let child = node.children.get(name);
			if (!child) {
				child = { children: new Map() };
				node.children.set(name, child);
				folders++;
			}
			node = child;
		}
		let summary = top.get(names[0]);
		if (!summary) {
			summary = { kind: 'folder', name: names[0], files: 0, bytes: 0 };
			top.set(names[0], summary);
			entries.push(summary);
		}
		return summary;
	};

	for (const { path, size } of files) {
		bytes += size;
		const names = path.split('/');
		if (names.length === 1) {
			entries.push({ kind: 'file', name: path, size });
			continue;
		}
		const summary = enter(names.slice(0, -1));
		summary.files++;
		summary.bytes += size;
	}
	for (const path of emptyFolders) enter(path.split('/'));
	return { entries, files: files.length, bytes, folders };
}
