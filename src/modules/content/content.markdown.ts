import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const markdown = new Marked({ gfm: true, breaks: false, async: false });

/**
 * What rendered content may contain. Raw HTML in Markdown passes through marked, so everything is filtered here:
 * no scripts, styles, iframes, event handlers or javascript:/data: URLs can reach the website through content.
 */
const POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'strong', 'em', 'del',
    'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // A page's own headings start at h2: the website renders the title as h1.
  transformTags: {
    h1: 'h2',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
  disallowedTagsMode: 'discard',
};

/** Markdown to HTML that is safe to insert into a page as it is. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.parse(source) as string, POLICY).trim();
}

/**
 * Plain text for feeds and search: the rendered HTML without any tags. It is text, not HTML: sanitize-html escapes
 * &, < and > in what it outputs, so those are turned back ("Tom & Jerry", not "Tom &amp; Jerry"); whoever puts it
 * into markup escapes it there.
 */
export function plainText(source: string): string {
  return sanitizeHtml(markdown.parse(source) as string, { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
