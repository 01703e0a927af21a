/**
 * A tiny XML builder for Africa's Talking voice replies. Every text and attribute value is
 * escaped here, and characters XML 1.0 cannot carry are dropped, so no caller-supplied
 * text (a facility name, a URL) can change the shape of the document. The SDK's
 * ActionBuilder concatenates unescaped strings, so it is not used.
 */

export type XmlNode = {
  name: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  children?: XmlNode[];
  text?: string;
};

// XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and U+FFFE/U+FFFF
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters XML cannot carry is the point
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

export function escapeXml(value: string): string {
  return value.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function el(name: string, attrs?: XmlNode['attrs'], content?: XmlNode[] | string): XmlNode {
  return typeof content === 'string' ? { name, attrs, text: content } : { name, attrs, children: content };
}

export function serialize(node: XmlNode): string {
  // element and attribute names are ours, never input; still refuse anything odd
  if (!NAME.test(node.name)) throw new Error(`not an XML name: ${node.name}`);
  let out = `<${node.name}`;
  for (const [key, value] of Object.entries(node.attrs ?? {})) {
    if (value === undefined) continue;
    if (!NAME.test(key)) throw new Error(`not an XML attribute name: ${key}`);
    out += ` ${key}="${escapeXml(String(value))}"`;
  }
  if (node.text !== undefined) return `${out}>${escapeXml(node.text)}</${node.name}>`;
  if (!node.children || node.children.length === 0) return `${out}/>`;
  return `${out}>${node.children.map(serialize).join('')}</${node.name}>`;
}

export function xmlDocument(root: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${serialize(root)}`;
}
