/**
 * The EWP IIAs API v7 `iia-hash`: a TypeScript port of the official stylesheet `ewp/iias-transform_version_7.xsl`
 * (ewp-specs-api-iias, resources/xsltKit/transform_version_7.xsl, MIT), so that no XSLT 2.0 processor is needed.
 *
 * The stylesheet derives, for each `<iia>` of a get-response document, a `<text-to-hash>`; the `iia-hash` is the
 * SHA-256 (lower-case hex) of the UTF-8 bytes of that text. Rule by rule, as the stylesheet has them:
 *
 * 1. `_@terminated-as-a-whole@_` when any `cooperation-conditions` element of the *document* (the stylesheet
 *    selects with `//`) has a `terminated-as-a-whole` attribute (any namespace) equal to `true` or `1`;
 * 2. for each `partner` of the IIA, in order: `_iia-id_N=<its iia-id>_` (empty when it has none);
 * 3. for each element child of `cooperation-conditions` (each mobility spec), for each of its descendant elements in
 *    document order, skipping those inside a `sending-contact`/`receiving-contact`, the two `receiving-*-academic-
 *    year-id` elements, and any element that is, or is inside, an element with `not-yet-defined` `true`/`1`:
 *      - each attribute except `not-yet-defined` and `v6-value`: `_@grandparent.parent.element.attribute=<value>@_`;
 *      - if it has no element children: `_parent-of-parent.parent.element=<string value>_`, where an
 *        `isced-f-code` with a non-empty `v6-value` attribute contributes that value instead;
 *    then `_receiving-first-academic-year-id=<value>_` and `_receiving-last-academic-year-id=<value>_`.
 *
 * Names are compared by local name, as the stylesheet does. Its output also says `valid-for-approval` false when
 * any element of the document carries `not-yet-defined` `true`/`1` or a non-empty `v6-value`.
 *
 * Tested against both official examples (`ewp/iias-get-response-example.xml`, `ewp/iias-hash-example-v7.xml`):
 * the hashes they carry are reproduced.
 */
import { createHash } from 'node:crypto';
import { childElements, descendants, firstChild, parseXml, plainAttribute, textOf, type XmlElement } from './xml-tree';

export interface IiaHash {
  /** The `iia-id` of the IIA's first partner (as the stylesheet's output carries it). */
  iiaId: string;
  textToHash: string;
  /** SHA-256 of `textToHash`, 64 lower-case hex digits: the value of `<iia-hash>`. */
  hash: string;
  /** False when the document has `not-yet-defined` or `v6-value` markers (an IIA approved under an older version). */
  validForApproval: boolean;
  /** The hash the document itself states, if any. */
  statedHash?: string;
}

const isTrue = (v: string | undefined) => v === 'true' || v === '1';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function allElements(root: XmlElement): XmlElement[] {
  return [root, ...descendants(root)];
}

/** `local-name()` of an ancestor `levels` up, or '' above the root (local-name of the document node). */
function ancestorName(element: XmlElement, levels: number): string {
  let e: XmlElement | null = element;
  for (let i = 0; i < levels && e; i++) e = e.parent;
  return e?.local ?? '';
}

/** The stylesheet's `ewp:dumpElement`: `_name=value_`, with the v6 ISCED patch. */
function dumpElement(element: XmlElement | undefined, name: string): string {
  if (!element) return `_${name}=_`;
  if (element.local === 'isced-f-code') {
    const v6 = plainAttribute(element, 'v6-value') ?? '';
    return `_${name}=${v6.length > 0 ? v6 : textOf(element)}_`;
  }
  return `_${name}=${textOf(element)}_`;
}

function notYetDefined(element: XmlElement): boolean {
  for (let e: XmlElement | null = element; e; e = e.parent) {
    if (isTrue(plainAttribute(e, 'not-yet-defined'))) return true;
  }
  return false;
}

function insideContact(element: XmlElement): boolean {
  for (let e = element.parent; e; e = e.parent) {
    if (e.local === 'sending-contact' || e.local === 'receiving-contact') return true;
  }
  return false;
}

const YEAR_ELEMENTS = ['receiving-first-academic-year-id', 'receiving-last-academic-year-id'];

function mobilityText(spec: XmlElement): string {
  let out = '';
  for (const element of descendants(spec)) {
    if (insideContact(element) || YEAR_ELEMENTS.includes(element.local) || notYetDefined(element)) continue;
    for (const attribute of element.attributes) {
      if (attribute.prefix === null && (attribute.local === 'not-yet-defined' || attribute.local === 'v6-value')) continue;
      const path = [ancestorName(element, 2), ancestorName(element, 1), element.local, attribute.local].join('.');
      out += `_@${path}=${attribute.value}@_`;
    }
    if (childElements(element).length === 0) {
      out += dumpElement(element, [ancestorName(element, 2), ancestorName(element, 1), element.local].join('.'));
    }
  }
  for (const year of YEAR_ELEMENTS) out += dumpElement(firstChild(spec, year), year);
  return out;
}

/** Every IIA of a get-response document (in document order) with its text-to-hash and hash. */
export function computeIiaHashes(xml: string | XmlElement): IiaHash[] {
  const root = typeof xml === 'string' ? parseXml(xml) : xml;
  const everything = allElements(root);
  const terminated = everything
    .filter((e) => e.local === 'cooperation-conditions')
    .some((e) => e.attributes.some((a) => a.local === 'terminated-as-a-whole' && isTrue(a.value)));
  const validForApproval = !everything.some(
    (e) => isTrue(plainAttribute(e, 'not-yet-defined')) || (plainAttribute(e, 'v6-value') ?? '') !== '',
  );
  return everything
    .filter((e) => e.local === 'iia')
    .map((iia) => {
      const partners = childElements(iia, 'partner');
      let text = terminated ? '_@terminated-as-a-whole@_' : '';
      partners.forEach((p, i) => (text += dumpElement(firstChild(p, 'iia-id'), `iia-id_${i + 1}`)));
      for (const conditions of childElements(iia, 'cooperation-conditions')) {
        for (const spec of childElements(conditions)) text += mobilityText(spec);
      }
      const first = partners[0] && firstChild(partners[0], 'iia-id');
      const stated = firstChild(iia, 'iia-hash');
      return {
        iiaId: first ? textOf(first) : '',
        textToHash: text,
        hash: sha256Hex(text),
        validForApproval,
        ...(stated ? { statedHash: textOf(stated).trim() } : {}),
      };
    });
}
