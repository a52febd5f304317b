// The browser hands over folders in three shapes (a folder input's flat list, directory handles, a drop's
// entries), so each is read as the same small tree of nodes and one walk turns it into files with paths.
import type { FileSource } from '../transfer/types';

/** A file or a folder as a directory handle or a dropped entry shows it: its name, read when asked. */
export type SourceNode =
	| { kind: 'file'; name: string; file(): Promise<File> }
	| { kind: 'directory'; name: string; children(): AsyncIterable<SourceNode> };

/** What the user picked or dropped: the files to send (with their paths), and the folders that hold none. */
export interface Picked {
	files: FileSource[];
	folders: string[];
}

export const joinPath = (folder: string, name: string): string => (folder ? `${folder}/${name}` : name);

/** A file inside a folder sent whole: the browser's file, with where it sits in that folder. */
function atPath(file: File, path: string): FileSource {
	return {
		name: file.name,
		size: file.size,
		type: file.type,
		lastModified: file.lastModified,
		path,
		slice: (start, end, type) => file.slice(start, end, type),
	};
}

/** Every folder above `path` ("a/b/c" has "a" and "a/b"). */
function* parents(path: string): Generator<string> {
	for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) yield path.slice(0, at);
}

/**
 * The folders among `folders` that hold nothing: no file (of `files`, by path) and no other folder at any
 * depth. Those above them need not be listed: making a folder makes its parents.
 */
export function emptyFolders(folders: readonly string[], files: readonly string[]): string[] {
	const holding = new Set<string>();
	for (const path of [...files, ...folders]) for (const parent of parents(path)) holding.add(parent);
	return [...new Set(folders)].filter((path) => !holding.has(path));
}

/** By path (a loose file by its name), comparing code units: the same order in every locale. */
const byPath = (a: FileSource, b: FileSource): number => {
	const [x, y] = [a.path ?? a.name, b.path ?? b.name];
	return x < y ? -1 : x > y ? 1 : 0;
};

/** Walks what was picked or dropped: loose files stay as they are, folders give their files with paths. */
export async function collect(roots: readonly SourceNode[]): Promise<Picked> {
	const files: FileSource[] = [];
	const folders: string[] = [];
	const walk = async (node: SourceNode, parent: string): Promise<void> => {
		if (node.kind === 'file') {
			const file = await node.file();
			files.push(parent ? atPath(file, joinPath(parent, node.name)) : file);
			return;
		}
		const path = joinPath(parent, node.name);
		folders.push(path);
		for await (const child of node.children()) await walk(child, path);
	};
	for (const root of roots) await walk(root, '');
	files.sort(byPath);
	const paths = files.flatMap((f) => (f.path === undefined ? [] : [f.path]));
	return { files, folders: emptyFolders(folders, paths) };
}

/**
 * The files of a folder input (`<input type=file webkitdirectory>`), each with its `webkitRelativePath`.
 * Such an input lists files only, so a folder that holds none does not arrive this way.
 */
export function fromRelativePaths(files: Iterable<File>): Picked {
	const picked = [...files].map((file) =>
		file.webkitRelativePath ? atPath(file, file.webkitRelativePath) : file,
	);
	return { files: picked.sort(byPath), folders: [] };
}
