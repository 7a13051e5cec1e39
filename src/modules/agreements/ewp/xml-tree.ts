/**
 * A small, read-only XML tree for the EWP documents: elements with their prefix and local name, attributes, and
 * text, in document order, built from fast-xml-parser's ordered output. Entity and character references are
 * decoded here in one pass (so `&amp;#65;` stays `&#65;`), line ends are normalised as XML requires, CDATA is kept
 * verbatim, comments and processing instructions are dropped. What XPath calls the string value of an element is
 * `textOf`. Namespaces are not resolved: EWP documents are matched by local name (as the EWP stylesheet does), and
 * are validated against the schemas before their content is used.
 */
import { XMLParser } from 'fast-xml-parser';

export interface XmlAttribute {
  /** As written, with its prefix (`xsi:schemaLocation`). */
  name: string;
  prefix: string | null;
  local: string;
  value: string;
}

export interface XmlElement {
  name: string;
  prefix: string | null;
  local: string;
  /** Attributes as XPath sees them: namespace declarations (`xmlns`, `xmlns:c`) are not attributes. */
  attributes: XmlAttribute[];
  children: XmlNode[];
  parent: XmlElement | null;
}

/** An element or a piece of text. */
export type XmlNode = XmlElement | string;

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
});

const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references of XML. */
export function decodeReferences(raw: string): string {
  return raw.replace(REFERENCE, (_, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref];
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

function splitName(name: string): { prefix: string | null; local: string } {
  const colon = name.indexOf(':');
  return colon < 0 ? { prefix: null, local: name } : { prefix: name.slice(0, colon), local: name.slice(colon + 1) };
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function build(node: Ordered, parent: XmlElement | null): XmlNode | null {
  if ('#text' in node) return decodeReferences(String(node['#text']));
  if ('#cdata' in node) {
    const parts = node['#cdata'] as Ordered[];
    return parts.map((p) => String(p['#text'] ?? '')).join('');
  }
  if ('#comment' in node) return null;
  const name = Object.keys(node).find((k) => k !== ':@');
  if (!name || name.startsWith('?') || name.startsWith('!')) return null;
  const element: XmlElement = { name, ...splitName(name), attributes: [], children: [], parent };
  for (const [attribute, raw] of Object.entries(node[':@'] ?? {})) {
    if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
    // Attribute-value normalisation: literal white space becomes a space; references decoded afterwards.
    element.attributes.push({ name: attribute, ...splitName(attribute), value: decodeReferences(String(raw).replace(/[\t\n\r]/g, ' ')) });
  }
  for (const child of (node[name] as Ordered[]) ?? []) {
    const built = build(child, element);
    if (built !== null) element.children.push(built);
  }
  return element;
}

/**
 * Parses a document into its root element. Documents with a DOCTYPE are refused: EWP documents have none, and
 * entity declarations are a classic way to attack parsers.
 */
export function parseXml(xml: string): XmlElement {
  const text = xml.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (/<!DOCTYPE/i.test(text)) throw new XmlSyntaxError('A document type declaration (DOCTYPE) is not allowed');
  let ordered: Ordered[];
  try {
    ordered = parser.parse(text) as Ordered[];
  } catch (e) {
    throw new XmlSyntaxError(e instanceof Error ? e.message : String(e));
  }
  const roots = ordered.map((n) => build(n, null)).filter((n): n is XmlElement => n !== null && typeof n !== 'string');
  if (roots.length !== 1) throw new XmlSyntaxError(`Expected one root element, found ${roots.length}`);
  return roots[0];
}

export const isElement = (node: XmlNode): node is XmlElement => typeof node !== 'string';

/** The string value (XPath): all descendant text, in document order. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

export function childElements(element: XmlElement, local?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => isElement(c) && (local === undefined || c.local === local));
}

export function firstChild(element: XmlElement, local: string): XmlElement | undefined {
  return childElements(element, local)[0];
}

/** Trimmed text of the first child element with this local name, or undefined. */
export function childText(element: XmlElement, local: string): string | undefined {
  const child = firstChild(element, local);
  return child ? textOf(child).trim() : undefined;
}

/** Descendant elements (not the element itself), in document order. */
export function descendants(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of childElements(e)) {
      out.push(c);
      walk(c);
    }
  };
  walk(element);
  return out;
}

/** An attribute in no namespace (written without a prefix), as `@name` selects it in XPath. */
export function plainAttribute(element: XmlElement, local: string): string | undefined {
  return element.attributes.find((a) => a.prefix === null && a.local === local)?.value;
}

/** Escapes text for element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
