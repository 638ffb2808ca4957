/**
 * JSON texts as one parameter, split in SQL: a text[] parameter would have the driver escape
 * every quote of every document in JavaScript (the most expensive part of a batch once), and
 * a JSON document of documents would have PostgreSQL parse each one twice. U+001E never
 * occurs in JSON text (control characters are escaped inside strings), nor in a CommandNotice
 * (commandNoticeOf leaves out an id that holds control characters).
 */
export function jsonTexts(texts: readonly string[]): string {
  return texts.join('\u001e');
}

/** The SQL side of jsonTexts: `${JSON_TEXTS('$2')}::jsonb[]`. */
export const JSON_TEXTS = (param: string) => `string_to_array(${param}, chr(30))`;
