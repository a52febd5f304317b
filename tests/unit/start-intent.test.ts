import { describe, expect, it } from 'vitest';
import { startIntent } from '../../src/lib/ui/start-intent';

describe('startIntent', () => {
	it('names the screen the home form asks for', () => {
		expect(startIntent('receive')).toBe('receive');
		expect(startIntent('send')).toBe('send');
	});

	it('ignores anything else a link may carry', () => {
		for (const value of [null, undefined, '', 'scan', 'join', 'Receive', 'send ', 'receive,send']) {
			expect(startIntent(value)).toBeNull();
		}
	});
});
