/**
 * Normalisers for institution identifiers and names. Pure functions: the importer, the services and the search
 * all use these, so that one spelling of a code or a name always lands on the same record.
 */

/** Erasmus country prefixes (older than ISO 3166) and the ISO country each stands for. */
export const ERASMUS_PREFIXES: Record<string, string> = {
  A: 'AT', AL: 'AL', B: 'BE', BA: 'BA', BE: 'BE', BG: 'BG', CH: 'CH', CY: 'CY', CZ: 'CZ', D: 'DE', DK: 'DK', E: 'ES',
  EE: 'EE', F: 'FR', G: 'GR', HR: 'HR', HU: 'HU', I: 'IT', IRL: 'IE', IS: 'IS', LI: 'LI', LT: 'LT', LUX: 'LU',
  LV: 'LV', ME: 'ME', MK: 'MK', MT: 'MT', N: 'NO', NL: 'NL', P: 'PT', PL: 'PL', RO: 'RO', RS: 'RS', S: 'SE',
  SF: 'FI', SI: 'SI', SK: 'SK', TR: 'TR', UK: 'GB', XK: 'XK',
};
const PREFIXES_LONGEST_FIRST = Object.keys(ERASMUS_PREFIXES).sort((a, b) => b.length - a.length);
// The documented form is a city of up to 8 letters and 2 digits, but real codes go further (`E BARCELO100`,
// `F PARIS001`, `E TOLEDO3`, `I FROSINONE03`): accept what the Commission's own list holds.
const CITY_AND_NUMBER = /^[A-Z-]{1,9}[0-9]{1,3}$/;

/** The EU's own country codes that differ from ISO 3166-1 alpha-2. */
const EU_TO_ISO: Record<string, string> = { EL: 'GR', UK: 'GB' };

export function isoCountry(code: string): string {
  const upper = code.trim().toUpperCase();
  return EU_TO_ISO[upper] ?? upper;
}

/**
 * The canonical Erasmus code: country prefix padded to three characters, city, two digits (`D  BERLIN01`,
 * `TR ANKARA01`, `IRLDUBLIN01`). Accepts any spacing and case (`d berlin01`, `dberlin01`). Without a space the
 * prefix is read as the longest known one, preferring the one of `countryHint` (ISO) when given. Undefined when
 * the input cannot be an Erasmus code.
 */
export function canonicalErasmusCode(raw: string, countryHint?: string): string | undefined {
  const upper = raw.toUpperCase().trim().replace(/\s+/g, ' ');
  if (!upper) return undefined;
  const spaced = /^([A-Z]{1,3}) (.+)$/.exec(upper);
  if (spaced) {
    const rest = spaced[2].replace(/ /g, '');
    return ERASMUS_PREFIXES[spaced[1]] && CITY_AND_NUMBER.test(rest) ? spaced[1].padEnd(3, ' ') + rest : undefined;
  }
  const compact = upper.replace(/ /g, '');
  const hint = countryHint ? isoCountry(countryHint) : undefined;
  const candidates = PREFIXES_LONGEST_FIRST.filter((p) => compact.startsWith(p) && CITY_AND_NUMBER.test(compact.slice(p.length)));
  const chosen = candidates.find((p) => hint && ERASMUS_PREFIXES[p] === hint) ?? candidates[0];
  return chosen ? chosen.padEnd(3, ' ') + compact.slice(chosen.length) : undefined;
}

/** The form users type when they search: no spaces, lower case (`dberlin01`). */
export function compactErasmusCode(code: string): string {
  return code.replace(/\s+/g, '').toLowerCase();
}

/** A website as a URL with a scheme and no trailing slash on a bare host; undefined when it is not one. */
export function normaliseWebsite(raw: string | undefined | null): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (!['http:', 'https:'].includes(url.protocol) || !url.hostname.includes('.')) return undefined;
    url.hostname = url.hostname.toLowerCase();
    const text = url.toString();
    return url.pathname === '/' && !url.search && !url.hash ? text.replace(/\/$/, '') : text;
  } catch {
    return undefined;
  }
}

/** The registrable-looking domain of a website or e-mail domain, without `www.` (`www.ph-noe.ac.at` → `ph-noe.ac.at`). */
export function domainOf(urlOrDomain: string | undefined | null): string | undefined {
  const raw = urlOrDomain?.trim().toLowerCase();
  if (!raw) return undefined;
  const host = /^[a-z][a-z0-9+.-]*:\/\//.test(raw) ? safeHost(raw) : raw.split('/')[0];
  if (!host || !host.includes('.')) return undefined;
  return host.replace(/^www\d?\./, '');
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** Letters outside Unicode decomposition, folded by hand (Turkish dotless i, Polish ł, ...). */
const FOLD: Record<string, string> = { ı: 'i', ł: 'l', đ: 'd', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th', ð: 'd', ħ: 'h' };

/** Lower case, no diacritics, Turkish-aware (`İSTANBUL TEKNİK` → `istanbul teknik`, `Łódzka` → `lodzka`). */
export function foldText(text: string): string {
  return text
    .replace(/İ/g, 'i')
    .replace(/I/g, 'i')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ıłđøæœßþðħ]/g, (c) => FOLD[c])
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A display name from an all-capitals official name (`UNIVERSITY OF CUKUROVA` → `University of Cukurova`). */
export function tidyName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  const letters = trimmed.replace(/[^\p{L}]/gu, '');
  if (letters.length < 4 || letters !== letters.toUpperCase()) return trimmed;
  const small = new Set(['of', 'and', 'the', 'for', 'de', 'di', 'del', 'la', 'le', 'des', 'du', 'der', 'und', 'y', 'e', 'et', 'in', 'at', 'im', 'am', 'fur', 'für']);
  return trimmed
    .replace(/İ/g, 'I') // would lower-case to i plus a combining dot
    .toLocaleLowerCase('en')
    .split(' ')
    .map((w, i) => (i > 0 && small.has(w) ? w : w.charAt(0).toLocaleUpperCase('en') + w.slice(1)))
    .join(' ');
}

export interface SearchableInstitution {
  officialName: string;
  name: { tr?: string; en?: string };
  otherNames: string[];
  abbreviation?: string;
  city?: string;
  erasmusCode?: string;
  schacCode?: string;
  pic?: string;
  oid?: string;
  emailDomains: string[];
}

/** Everything a person might type to find an institution, folded into one searchable string. */
export function searchTextOf(i: SearchableInstitution): string {
  const parts = [
    i.officialName,
    i.name.tr,
    i.name.en,
    ...i.otherNames,
    i.abbreviation,
    i.city,
    i.erasmusCode,
    i.erasmusCode ? compactErasmusCode(i.erasmusCode) : undefined,
    i.schacCode,
    i.pic,
    i.oid,
    ...i.emailDomains,
  ];
  return [...new Set(parts.filter((p): p is string => !!p).map(foldText).filter(Boolean))].join(' | ');
}
