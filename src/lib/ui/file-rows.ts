// A transfer may hold 50,000 files, and a row each would stall the page, so a card draws a bounded number of
// rows: those the user must see (moving, failed, cancelled) first, then the rest in order; the others are counted.
import type { FolderSummary, TreeSummary } from '../transfer/tree';
import type { FileStatus } from '../transfer/types';

/** The most files a card or the send queue draws a row for. */
export const MAX_FILE_ROWS = 50;

/** How much a file's own row matters: what moves now, then what went wrong, then the rest. */
const RANK: Record<FileStatus, number> = {
	active: 0,
	verifying: 0,
	failed: 1,
	cancelled: 1,
	waiting: 2,
	done: 2,
};

export interface FileRows {
	/** Indices of the files drawn, in the transfer's order. */
	shown: number[];
	/** Files not drawn. */
	more: number;
}

/** Picks at most `max` files to draw, in one pass, however many there are. */
export function fileRows(files: readonly { status: FileStatus }[], max = MAX_FILE_ROWS): FileRows {
	const ranks: number[][] = [[], [], []];
	files.forEach(({ status }, index) => {
		const rank = ranks[RANK[status]];
		if (rank.length < max) rank.push(index);
	});
	const shown = ranks
		.flat()
		.slice(0, max)
		.sort((a, b) => a - b);
	return { shown, more: files.length - shown.length };
}

export interface TreeRows {
	/** The top-level folders drawn, each with the files at any depth inside it. */
	folders: FolderSummary[];
	/** Files inside the top-level folders not drawn. */
	more: number;
	/** The files outside every folder, as one total. */
	loose: { files: number; bytes: number };
}

/** An offer's summary as rows: at most `max` top-level folders, and the loose files counted together. */
export function treeRows(summary: TreeSummary, max = MAX_FILE_ROWS): TreeRows {
	const folders: FolderSummary[] = [];
	const loose = { files: 0, bytes: 0 };
	let more = 0;
	for (const entry of summary.entries) {
		if (entry.kind === 'file') {
			loose.files++;
			loose.bytes += entry.size;
		} else if (folders.length < max) folders.push(entry);
		else more += entry.files;
	}
	return { folders, more, loose };
}
