/**
 * Highlighted snippets for the PostgreSQL engine, built in TypeScript from a hit's title, text and keywords: the text
 * HTML-escaped, every passage that matched a query word in `<mark>`. Matching is case- and diacritic-insensitive and
 * Turkish-aware (the same folding as foldText, done per character so that positions in the folded text map back to
 * the original), and tolerates typos the way the engine does (a word close enough by trigram similarity is marked).
 */
import { foldText } from '../institutions/institution-identifiers';
import type { Highlight } from './search.types';

/** Letters outside Unicode decomposition, folded as foldText folds them. */
const FOLD: Record<string, string> = { ı: 'i', ł: 'l', đ: 'd', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th', ð: 'd', ħ: 'h' };

/** One character (code point) folded as foldText would: lower case, no diacritics, `İ`/`I` → `i`; separators → space. */
export function foldChar(c: string): string {
  if (c === 'İ' || c === 'I') return 'i';
  const base = c.toLowerCase().normalize('NFKD').replace(/\p{M}+/gu, '');
  let out = '';
  for (const ch of base) {
    const mapped = FOLD[ch] ?? ch;
    out += /^[\p{L}\p{N}]+$/u.test(mapped) ? mapped : ' ';
  }
  // A combining mark on its own folds to nothing (it belongs to the letter before it); anything else keeps a place.
  return /^\p{M}+$/u.test(c) ? '' : out || ' ';
}

/**
 * The text folded character by character: `folded[i]` came from `text.slice(start[i], end[i])`. Unlike foldText,
 * separators are not collapsed, so every folded position maps back to the original.
 */
export interface MappedFold {
  folded: string;
  start: number[];
  end: number[];
}

export function foldWithMap(text: string): MappedFold {
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  let i = 0;
  for (const c of text) {
    const f = foldChar(c);
    if (f === '' && end.length) {
      end[end.length - 1] = i + c.length; // a combining mark joins the previous letter
    } else {
      for (const ch of f) {
        folded += ch;
        start.push(i);
        end.push(i + c.length);
      }
    }
    i += c.length;
  }
  return { folded, start, end };
}

/** The words of a query as the engine matches them: folded, distinct, at most `max`. */
export function queryWords(query: string, max = 12): string[] {
  const folded = foldText(query);
  return folded ? [...new Set(folded.split(' '))].slice(0, max) : [];
}

function trigrams(word: string): Set<string> {
  const padded = `  ${word} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

/** pg_trgm's similarity of two single words (shared trigrams over all trigrams). */
export function trigramSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

/** A word of the text this close to a query word (and not found literally) is marked as a typo match. */
const FUZZY_SIMILARITY = 0.45;

/**
 * Ranges `[start, end)` of `text` (original positions) that match the query words: literal occurrences (words of
 * fewer than 3 letters only as whole words), else, for a word with no literal occurrence, whole words of
 * the text similar to it by trigrams (`humbolt` marks `Humboldt`). Sorted and merged.
 */
export function matchRanges(text: string, words: readonly string[]): [number, number][] {
  const { folded, start, end } = foldWithMap(text);
  const ranges: [number, number][] = [];
  const tokens: [number, number][] = [];
  for (const m of folded.matchAll(/[^ ]+/g)) tokens.push([m.index!, m.index! + m[0].length]);
  for (const word of words) {
    if (!word) continue;
    let found = false;
    for (let at = folded.indexOf(word); at >= 0; at = folded.indexOf(word, at + 1)) {
      if (word.length < 3 && ((at > 0 && folded[at - 1] !== ' ') || (at + word.length < folded.length && folded[at + word.length] !== ' '))) continue;
      ranges.push([at, at + word.length]);
      found = true;
    }
    if (found || word.length < 3) continue;
    for (const [s, e] of tokens) {
      if (e - s >= 3 && trigramSimilarity(word, folded.slice(s, e)) >= FUZZY_SIMILARITY) ranges.push([s, e]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [s, e] of ranges) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged.map(([s, e]) => [start[s], end[e - 1]]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** `text.slice(from, to)` escaped, with the ranges (clipped to the window) in `<mark>`. */
function markUp(text: string, ranges: readonly [number, number][], from: number, to: number): string {
  let out = '';
  let at = from;
  for (const [s0, e0] of ranges) {
    const s = Math.max(s0, from);
    const e = Math.min(e0, to);
    if (e <= s) continue;
    out += escapeHtml(text.slice(at, s)) + '<mark>' + escapeHtml(text.slice(s, e)) + '</mark>';
    at = e;
  }
  return out + escapeHtml(text.slice(at, to));
}

/**
 * A snippet of `text` around its first match, at most about `length` characters, cut at spaces, with `…` where it
 * was cut; undefined when nothing in it matches.
 */
export function snippet(text: string, words: readonly string[], length = 200): string | undefined {
  const ranges = matchRanges(text, words);
  if (!ranges.length) return undefined;
  if (text.length <= length) return markUp(text, ranges, 0, text.length);
  const first = ranges[0][0];
  let from = Math.max(0, first - Math.floor(length / 3));
  let to = Math.min(text.length, from + length);
  from = Math.max(0, to - length);
  if (from > 0) {
    const space = text.indexOf(' ', from);
    if (space >= 0 && space < first) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > Math.max(from, ranges[0][1])) to = space;
  }
  return (from > 0 ? '…' : '') + markUp(text, ranges, from, to) + (to < text.length ? '…' : '');
}

export interface HighlightSource {
  title_tr: string | null;
  title_en: string | null;
  text_tr: string | null;
  text_en: string | null;
  keywords: string[];
}

/** A keyword as queries are compared with it: folded, no spaces. */
const keyOf = (k: string) => foldText(k).replace(/ /g, '');

/**
 * The highlights of a hit: `title` and `text` (the viewer's locale first, the other one when only it matched) and
 * `keywords` (the keywords the query is, or begins, in any spacing and case, whole in `<mark>`). Only fields that
 * matched appear.
 */
export function highlightsOf(doc: HighlightSource, query: string, locale: 'tr' | 'en'): Highlight[] {
  const words = queryWords(query);
  if (!words.length) return [];
  const locales: ('tr' | 'en')[] = [locale, locale === 'tr' ? 'en' : 'tr'];
  const out: Highlight[] = [];
  const first = (field: 'title' | 'text', length: number) => {
    for (const l of locales) {
      const value = doc[`${field}_${l}` as const];
      const s = value ? snippet(value, words, length) : undefined;
      if (s) return s;
    }
    return undefined;
  };
  const title = first('title', 300);
  if (title) out.push({ field: 'title', snippet: title });
  const text = first('text', 200);
  if (text) out.push({ field: 'text', snippet: text });
  const whole = words.join('');
  const seen = new Set<string>();
  const keywords = doc.keywords.filter((k) => {
    const key = keyOf(k);
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return key === whole || (whole.length >= 4 && key.startsWith(whole));
  });
  if (keywords.length) out.push({ field: 'keywords', snippet: keywords.map((k) => `<mark>${escapeHtml(k)}</mark>`).join(', ') });
  return out;
}
