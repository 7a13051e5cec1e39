import { escapeXml } from './xml-tree';

type Attributes = Record<string, string | null | undefined>;

const attributeText = (attributes: Attributes) =>
  Object.entries(attributes)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v!)}"`)
    .join('');

/** An indenting writer for the EWP documents the hub exports (IIAs, learning agreements), every value escaped. */
export class XmlWriter {
  private lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  private depth = 0;

  open(tag: string, attributes: Attributes = {}): this {
    this.lines.push(`${'  '.repeat(this.depth)}<${tag}${attributeText(attributes)}>`);
    this.depth++;
    return this;
  }

  close(tag: string): this {
    this.depth--;
    this.lines.push(`${'  '.repeat(this.depth)}</${tag}>`);
    return this;
  }

  /** An element with a value; nothing at all when the value is missing or empty (optional elements). */
  leaf(tag: string, value: string | number | boolean | null | undefined, attributes: Attributes = {}): this {
    if (value === null || value === undefined || value === '') return this;
    return this.text(tag, String(value), attributes);
  }

  /** Written even when empty: elements the schema requires whatever their value. */
  text(tag: string, value: string, attributes: Attributes = {}): this {
    this.lines.push(`${'  '.repeat(this.depth)}<${tag}${attributeText(attributes)}>${escapeXml(value)}</${tag}>`);
    return this;
  }

  empty(tag: string): this {
    this.lines.push(`${'  '.repeat(this.depth)}<${tag}/>`);
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
