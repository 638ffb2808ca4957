import { Envelope } from './envelope';

/**
 * The NOTIFY the projector sends on `<schema>_commands` when it records a command's answer, in
 * the transaction that records it (so it arrives once the answer and the decisions are
 * readable): the command id, and, when they fit in a NOTIFY, the status and the answer, so a
 * waiting API request can reply without reading them back.
 */
export interface CommandNotice {
  readonly commandId: string;
  readonly status?: string;
  readonly answer?: Envelope;
}

/** PostgreSQL refuses payloads of 8000 bytes or more; what is longer carries the id alone. */
const PAYLOAD_LIMIT = 7900;

export function commandNoticeOf(commandId: string, status: string, answerJson: string): string {
  // An id with control characters (possible only from a command sent straight to Kafka) would
  // break the payload's lines: such a notice names no command, and its waiter finds the answer
  // by polling.
  if (hasControl(commandId)) return '';
  const full = `${commandId}\n${status}\n${answerJson}`;
  return Buffer.byteLength(full, 'utf8') < PAYLOAD_LIMIT ? full : commandId;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

export function readCommandNotice(payload: string): CommandNotice {
  const first = payload.indexOf('\n');
  if (first < 0) return { commandId: payload };
  const second = payload.indexOf('\n', first + 1);
  try {
    return {
      commandId: payload.slice(0, first),
      status: payload.slice(first + 1, second),
      answer: JSON.parse(payload.slice(second + 1)) as Envelope,
    };
  } catch {
    return { commandId: payload.slice(0, first) };
  }
}
