import type { Messages } from '../errors';
import type { RememberNotice } from '../pairing/remember';

/** What the remember handshake tells the user, in the words of `m`. */
export function rememberNoticeText(m: Messages, notice: RememberNotice): string {
	switch (notice.code) {
		case 'waiting':
			return m.remember_notice_waiting();
		case 'already':
			return m.remember_notice_already();
		case 'confirm-first':
			return m.remember_notice_confirm_first();
		case 'name-needed':
			return m.remember_notice_name_needed();
		case 'not-asked':
			return m.remember_notice_not_asked();
		case 'unasked-answer':
			return m.remember_notice_unasked_answer();
		case 'asked-twice':
			return m.remember_notice_asked_twice();
		case 'declined':
			return m.remember_notice_declined();
		case 'closed':
			return m.remember_notice_closed();
	}
}
