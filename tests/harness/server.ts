// Starts the app exactly as the README says (`npm start`) on a free loopback port with fresh local state,
// and stops it as a terminal's Ctrl-C would (SIGINT to the whole process group) or as a supervisor would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningServer {
	url: string;
	port: number;
	process: ChildProcess;
	output: () => string;
	/** Every process started under `npm start`, found by walking /proc from the npm process. */
	descendants: () => number[];
	/**
	 * Stops it with SIGINT to the whole process group, as a terminal's Ctrl-C does, or with `npmOnly` to the
	 * npm process alone, as a supervisor does; waits at most 15 s for npm to exit.
	 */
	stop: (npmOnly?: NodeJS.Signals) => Promise<void>;
}

function canListen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/**
 * A free port below Linux's ephemeral range (32768+), so no outgoing connection of a browser or of
 * workerd can take it between this check and the server binding it.
 */
export async function freePort(): Promise<number> {
	for (;;) {
		const port = 20_000 + Math.floor(Math.random() * 12_000);
		if (await canListen(port)) return port;
	}
}

function parentOf(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return undefined;
	}
}

export function descendantsOf(root: number): number[] {
	const all = readdirSync('/proc')
		.filter((name) => /^\d+$/.test(name))
		.map(Number);
	const found = new Set<number>([root]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const pid of all) {
			const parent = parentOf(pid);
			if (parent !== undefined && found.has(parent) && !found.has(pid)) {
				found.add(pid);
				grew = true;
			}
		}
	}
	found.delete(root);
	return [...found];
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
		return state !== 'Z';
	} catch {
		return false;
	}
}

type ServerOptions = {
	vars?: Record<string, string>;
	skipBuild?: boolean;
	/** The checkout to start; this one by default. */
	cwd?: string;
};

/** Starts `npm start`, trying another port if the chosen one was taken in the meantime. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await startServerOnce(options);
		} catch (error) {
			if (attempt >= 3 || !String(error).includes('Address already in use')) throw error;
		}
	}
}

async function startServerOnce(options: ServerOptions): Promise<RunningServer> {
	const port = await freePort();
	const state = mkdtempSync(join(tmpdir(), 'pairbeam-state-'));
	const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
	const child = spawn('npm', ['start', '--', '--persist-to', state, ...vars], {
		cwd: options.cwd,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, PORT: String(port), SKIP_BUILD: options.skipBuild ? '1' : '0' },
	});
	let output = '';
	const url = `http://127.0.0.1:${port}`;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`npm start did not get ready:\n${output}`)), 150_000);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes(`Pairbeam is running at ${url}/`)) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`npm start exited with ${code}:\n${output}`));
		});
	});
	const pid = child.pid as number;
	return {
		url,
		port,
		process: child,
		output: () => output,
		descendants: () => descendantsOf(pid),
		stop: async (npmOnly) => {
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise((resolve) => {
					child.once('exit', resolve);
					setTimeout(resolve, 15_000).unref();
				});
				if (npmOnly) process.kill(pid, npmOnly);
				else process.kill(-pid, 'SIGINT');
				await exited;
			}
			rmSync(state, { recursive: true, force: true });
		},
	};
}
