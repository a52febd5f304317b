import { describe, expect, it } from 'vitest';
import { sdpSessionId } from '../../src/lib/rtc/peer';

describe('sdpSessionId', () => {
	it('reads the session id of the o= line as Chromium and Firefox write it', () => {
		expect(sdpSessionId('v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n')).toBe(
			'4611731400430051336',
		);
		expect(
			sdpSessionId('v=0\r\no=mozilla...THIS_IS_SDPARTA-128.0 7270385838383883 0 IN IP4 0.0.0.0\r\n'),
		).toBe('7270385838383883');
	});

	it('keeps the id across an ICE restart (only the version grows) and has none without an o= line', () => {
		const first = 'v=0\r\no=- 99 2 IN IP4 127.0.0.1\r\n';
		const restarted = 'v=0\r\no=- 99 3 IN IP4 127.0.0.1\r\n';
		expect(sdpSessionId(restarted)).toBe(sdpSessionId(first));
		expect(sdpSessionId('v=0\r\n')).toBeNull();
	});
});
