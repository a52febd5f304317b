// A sentence with markup inside (a code in <strong>, a name in <bdi>) is one message, so each language puts
// the markup where its grammar wants it: the message is made with SLOT for those parameters, and the UI
// renders the text pieces between them around its own elements.
export const SLOT = '\u0000';

/** The text before, between and after the slots of a message made with SLOT. */
export const slots = (text: string): string[] => text.split(SLOT);
