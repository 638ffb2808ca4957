/** A parsed XML element as fast-xml-parser gives it (attributes `@_name`, text `#text`). */
export type XmlNode = Record<string, unknown>;

/** The elements named `key` below `node`, always as a list (the parser gives one alone as itself). */
export function elements(node: unknown, key: string): XmlNode[] {
  if (node === null || typeof node !== 'object') return [];
  const value = (node as XmlNode)[key];
  if (value === undefined) return [];
  const all = Array.isArray(value) ? value : [value];
  // An element with neither attributes nor children is parsed as its text ('' when empty).
  return all.map((v) => (v !== null && typeof v === 'object' ? (v as XmlNode) : { '#text': String(v) }));
}

export function first(node: unknown, key: string): XmlNode | undefined {
  return elements(node, key)[0];
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function text(node: XmlNode | undefined): string | undefined {
  const value = node?.['#text'];
  return value === undefined ? (node ? '' : undefined) : String(value);
}
