// `npm start`: build the app, then serve app + signaling from one local workerd (wrangler dev) on one port.
// wrangler runs in its own process group so that Ctrl-C here stops all of it and leaves no process behind;
// npm runs this with `exec` (no shell between), so a supervisor's SIGTERM or SIGINT to npm alone reaches it.
import { spawn, spawnSync } from 'node:child_process';

const port = process.env.PORT ?? '8787';
const host = process.env.HOST ?? '127.0.0.1';
const wranglerArgs = process.argv.slice(2);

if (process.env.SKIP_BUILD !== '1') {
	const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
	if (build.status !== 0) process.exit(build.status ?? 1);
}

const wrangler = spawn(
	'node_modules/.bin/wrangler',
	['dev', '--ip', host, '--port', port, '--show-interactive-dev-session=false', ...wranglerArgs],
	{
		detached: true,
		stdio: ['ignore', 'pipe', 'inherit'],
		env: {
			...process.env,
			CLOUDFLARE_CF_FETCH_ENABLED: 'false',
			WRANGLER_SEND_METRICS: 'false',
			WRANGLER_SEND_ERROR_REPORTS: 'false',
		},
	},
);

let announced = false;
wrangler.stdout.on('data', (chunk: Buffer) => {
	process.stdout.write(chunk);
	if (!announced && /Ready on/.test(chunk.toString())) {
		announced = true;
		console.log(
			`\nPairbeam is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/ (Ctrl-C stops it)`,
		);
	}
});

let stopping = false;
function stop(signal: NodeJS.Signals): void {
	if (stopping || wrangler.pid === undefined) return;
	stopping = true;
	try {
		process.kill(-wrangler.pid, signal === 'SIGINT' ? 'SIGTERM' : signal);
	} catch {
		process.exit(0);
	}
	setTimeout(() => {
		try {
			process.kill(-wrangler.pid!, 'SIGKILL');
		} catch {
			// the group is already gone
		}
		process.exit(1);
	}, 5_000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
// Killed outright (SIGKILL), npm cannot pass anything on; this process is then re-parented, so stop too.
const parent = process.ppid;
setInterval(() => {
	if (process.ppid !== parent) stop('SIGTERM');
}, 500).unref();
wrangler.on('exit', (code, signal) => {
	process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)));
});
