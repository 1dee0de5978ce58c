// Dialogues as message lists, and the HH-RLHF text format (Bai et al. 2022): turns written as
// `\n\nHuman: ...` and `\n\nAssistant: ...`, the plain format for backbones without a chat template.

import type { ChatMessage } from '@va/core';

const HH_MARKER = /\n\n(Human|Assistant):/g;

/**
 * Parses an HH-RLHF dialogue string into messages (`Human` -> `user`, `Assistant` -> `assistant`),
 * dropping the single space after each marker. Returns undefined when the text does not start
 * with a `Human:` turn. A marker that closes the text with nothing after it (a prompt awaiting the
 * response) gives no message.
 */
export function parseHHDialogue(text: string): ChatMessage[] | undefined {
  const normalized = text.startsWith('Human:') ? `\n\n${text}` : text;
  if (!normalized.startsWith('\n\nHuman:')) return undefined;
  const marks = [...normalized.matchAll(HH_MARKER)];
  const messages: ChatMessage[] = [];
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < marks.length ? marks[i + 1]!.index! : normalized.length;
    const content = stripOneSpace(normalized.slice(start, end));
    if (i === marks.length - 1 && end === start) return;
    messages.push({ role: m[1] === 'Human' ? 'user' : 'assistant', content });
  });
  return messages;
}

function stripOneSpace(s: string): string {
  return s.startsWith(' ') ? s.slice(1) : s;
}

/** Writes messages in the HH-RLHF format; `system` turns come first, as plain text. */
export function formatHHDialogue(messages: readonly ChatMessage[]): string {
  let out = '';
  for (const m of messages) {
    if (m.role === 'system') out += m.content;
    else out += `\n\n${m.role === 'assistant' ? 'Assistant' : 'Human'}: ${m.content}`;
  }
  return out;
}

/**
 * The messages a reward query's `prompt` stands for: an HH-RLHF dialogue string is split into its
 * turns (a trailing empty `Assistant:` marker dropped); any other string is one user message.
 */
export function promptToMessages(prompt: string): ChatMessage[] {
  return parseHHDialogue(prompt) ?? [{ role: 'user', content: prompt }];
}
