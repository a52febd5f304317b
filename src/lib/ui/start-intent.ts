// Receive and Send files are a GET form to /?start=…, so a tap that comes before the app's JavaScript has
// hydrated the page (5 of 10 early taps on a fresh profile were lost) still reaches its screen at mount.
import type { Intent } from './app-state.svelte';

/** The query parameter the home page's form submits. */
export const START_PARAM = 'start';

/** The screen `value` asks for, or null for anything else (the parameter comes from any link). */
export function startIntent(value: string | null | undefined): Intent | null {
	return value === 'receive' || value === 'send' ? value : null;
}
