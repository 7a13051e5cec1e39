import { foldText } from '../../src/modules/institutions/institution-identifiers';
import { pgScore, pgSearchWhere } from '../../src/modules/search/pg.engine';
import {
  escapeHtml,
  foldChar,
  foldWithMap,
  highlightsOf,
  matchRanges,
  queryWords,
  snippet,
  trigramSimilarity,
} from '../../src/modules/search/pg.highlight';
import { keywordKey, searchDocumentRow } from '../../src/modules/search/pg.sink';
import { NEVER, type SearchDocument, type SearchRequest } from '../../src/modules/search/search.types';

const marked = (text: string, query: string) => snippet(text, queryWords(query), 1000);

describe('folding with positions', () => {
  it('folds Turkish letters one to one, dotted and dotless I included', () => {
    for (const [from, to] of [
      ['İ', 'i'],
      ['I', 'i'],
      ['ı', 'i'],
      ['i', 'i'],
      ['Ş', 's'],
      ['ş', 's'],
      ['Ğ', 'g'],
      ['ğ', 'g'],
      ['Ç', 'c'],
      ['ç', 'c'],
      ['Ö', 'o'],
      ['ö', 'o'],
      ['Ü', 'u'],
      ['ü', 'u'],
      ['Â', 'a'],
      ['Ł', 'l'],
      ['é', 'e'],
      ['ß', 'ss'],
      ['-', ' '],
    ]) {
      expect({ from, folded: foldChar(from) }).toEqual({ from, folded: to });
    }
  });

  it('maps every folded character back to the original it came from', () => {
    const text = 'İSTANBUL Łódź-Straße';
    const { folded, start, end } = foldWithMap(text);
    expect(folded).toBe('istanbul lodz strasse');
    expect(text.slice(start[0], end[0])).toBe('İ');
    expect(text.slice(start[9], end[12])).toBe('Łódź');
    // ß became two letters: both map to it.
    expect(text.slice(start[18], end[18])).toBe('ß');
    expect(text.slice(start[19], end[19])).toBe('ß');
  });

  it('keeps a decomposed accent with its letter', () => {
    const text = 'Unive\u0301rsite\u0301';
    const { folded, start, end } = foldWithMap(text);
    expect(folded).toBe('universite');
    expect(text.slice(start[9], end[9])).toBe('e\u0301');
  });

  it('agrees with foldText once separators are collapsed', () => {
    for (const text of ['Boğaziçi Üniversitesi', 'IŞIK ÜNİVERSİTESİ', 'Politechnika Łódzka', 'Humboldt-Universität zu Berlin', "Université d'Orléans", 'ÇUKUROVA  (Adana)']) {
      expect(foldWithMap(text).folded.replace(/ +/g, ' ').trim()).toBe(foldText(text));
    }
  });
});

describe('query words', () => {
  it('are folded, distinct and without punctuation', () => {
    expect(queryWords('İSTANBUL TEKNİK')).toEqual(['istanbul', 'teknik']);
    expect(queryWords('  Boğaziçi   Üniversitesi!! boğaziçi')).toEqual(['bogazici', 'universitesi']);
    expect(queryWords('TR ISTANBU01')).toEqual(['tr', 'istanbu01']);
    expect(queryWords('--- !!')).toEqual([]);
  });

  it('are at most twelve', () => {
    expect(queryWords(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(12);
  });
});

describe('snippets', () => {
  it('mark the matched word in the original spelling, whatever case and diacritics were typed', () => {
    expect(marked('Boğaziçi Üniversitesi', 'bogazici')).toBe('<mark>Boğaziçi</mark> Üniversitesi');
    expect(marked('Boğaziçi Üniversitesi', 'BOĞAZİÇİ ÜNİVERSİTESİ')).toBe('<mark>Boğaziçi</mark> <mark>Üniversitesi</mark>');
    expect(marked('IŞIK ÜNİVERSİTESİ', 'ışık')).toBe('<mark>IŞIK</mark> ÜNİVERSİTESİ');
    expect(marked('Kapadokya Yaz Kampı', 'kampi')).toBe('Kapadokya Yaz <mark>Kampı</mark>');
    expect(marked('Politechnika Łódzka', 'lodz')).toBe('Politechnika <mark>Łódz</mark>ka');
    expect(marked('Université de Strasbourg', 'universite')).toBe('<mark>Université</mark> de Strasbourg');
  });

  it('escape HTML around and inside marks', () => {
    expect(marked('<b>Çukurova</b> & "Adana"', 'cukurova adana')).toBe('&lt;b&gt;<mark>Çukurova</mark>&lt;/b&gt; &amp; &quot;<mark>Adana</mark>&quot;');
    expect(escapeHtml(`<script>'x'</script>`)).toBe('&lt;script&gt;&#39;x&#39;&lt;/script&gt;');
  });

  it('mark a whole word for a typo (trigram similarity), as the engine matched it', () => {
    expect(marked('Humboldt-Universität zu Berlin', 'humbolt')).toBe('<mark>Humboldt</mark>-Universität zu Berlin');
    expect(marked('University of Oslo', 'univrsity of oslo')).toBe('<mark>University</mark> <mark>of</mark> <mark>Oslo</mark>');
    expect(trigramSimilarity('humbolt', 'humboldt')).toBeCloseTo(6 / 11);
  });

  it('mark words of one or two letters only where they stand alone', () => {
    expect(marked('Université des Sciences de Paris', 'de paris')).toBe('Université des Sciences <mark>de</mark> <mark>Paris</mark>');
  });

  it('cut a long text around the first match, at spaces, with ellipses', () => {
    const text = `${'Lorem ipsum dolor sit amet. '.repeat(20)}Başvurular Uluslararası İlişkiler Ofisine yapılır. ${'Consectetur adipiscing elit. '.repeat(20)}`;
    const s = snippet(text, queryWords('uluslararasi iliskiler'), 120)!;
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('<mark>Uluslararası</mark> <mark>İlişkiler</mark>');
    expect(s.replace(/<\/?mark>/g, '').length).toBeLessThanOrEqual(122);
  });

  it('are undefined when nothing matches', () => {
    expect(marked('Ege Üniversitesi', 'hacettepe')).toBeUndefined();
    expect(matchRanges('Ege Üniversitesi', [])).toEqual([]);
  });
});

describe('highlights of a hit', () => {
  const doc = {
    title_tr: 'Kapadokya Yaz Kampı Başvuruları Açıldı',
    title_en: 'Cappadocia summer camp: applications are open',
    text_tr: 'Katılımcılar bir zeytinyağı atölyesine katılacak.',
    text_en: 'Participants join an olive oil workshop.',
    keywords: ['TR ISTANBU01', 'TRISTANBU01', 'bogazici.edu.tr'],
  };

  it("take the viewer's language first, the other when only it matched", () => {
    expect(highlightsOf(doc, 'kapadokya', 'en')).toEqual([{ field: 'title', snippet: '<mark>Kapadokya</mark> Yaz Kampı Başvuruları Açıldı' }]);
    expect(highlightsOf(doc, 'olive oil', 'tr')).toEqual([{ field: 'text', snippet: 'Participants join an <mark>olive</mark> <mark>oil</mark> workshop.' }]);
    expect(highlightsOf(doc, 'zeytinyagi', 'tr')).toEqual([{ field: 'text', snippet: 'Katılımcılar bir <mark>zeytinyağı</mark> atölyesine katılacak.' }]);
  });

  it('mark a keyword typed with or without spaces once', () => {
    for (const q of ['TR ISTANBU01', 'tristanbu01', 'tr istanbu01']) {
      expect(highlightsOf(doc, q, 'tr').find((h) => h.field === 'keywords')).toEqual({ field: 'keywords', snippet: '<mark>TR ISTANBU01</mark>' });
    }
    expect(highlightsOf(doc, 'nothing here', 'tr')).toEqual([]);
  });
});

describe('the PostgreSQL engine’s SQL pieces', () => {
  const request = (over: Partial<SearchRequest> = {}): SearchRequest => ({
    query: 'x',
    types: ['INSTITUTION', 'PAGE'],
    office: true,
    now: new Date('2027-01-01T00:00:00Z'),
    filter: {},
    locale: 'tr',
    offset: 0,
    limit: 10,
    facets: false,
    ...over,
  });

  it('match every word literally or by trigram word similarity, or the whole query as a keyword', () => {
    const where = pgSearchWhere(request(), ['istanbul', 'teknik'], 'istanbulteknik');
    expect(where.sql).toContain('((d.search_text like ? or ? <% d.search_text) and (d.search_text like ? or ? <% d.search_text)) or d.keys @> ?::text[]');
    expect(where.params.slice(0, 5)).toEqual(['%istanbul%', 'istanbul', '%teknik%', 'teknik', '{"istanbulteknik"}']);
    expect(where.sql).not.toContain('d.public');
  });

  it('limit a non-office search to public documents inside their window, and pass arrays as array literals', () => {
    const where = pgSearchWhere(request({ office: false, filter: { countries: ['TR', 'DE'], languages: ['en'] } }), ['ege'], 'ege');
    expect(where.sql).toContain('d.public and d.publish_at <= ? and d.unpublish_at > ?');
    expect(where.params).toContain(Date.parse('2027-01-01T00:00:00Z') / 1000);
    expect(where.params).toContain('{"INSTITUTION","PAGE"}');
    expect(where.params).toContain('{"TR","DE"}');
    expect(where.params.every((p) => !Array.isArray(p))).toBe(true);
  });

  it('score with one parameter per placeholder', () => {
    const score = pgScore('istanbul teknik', ['istanbul', 'teknik'], 'istanbulteknik');
    expect(score.sql.split('?').length - 1).toBe(score.params.length);
    expect(score.params).toContain('istanbul:* | teknik:*');
    expect(score.sql).toMatch(/^least\(1,/);
  });
});

describe('the rows PgSink writes', () => {
  const doc: SearchDocument = {
    uid: 'INSTITUTION-1',
    type: 'INSTITUTION',
    id: '00000000-0000-0000-0000-000000000001',
    title_tr: 'BOGAZICI UNIVERSITESI',
    title_en: 'Boğaziçi University',
    text_tr: 'BOGAZICI UNIVERSITESI · İstanbul',
    text_en: 'BOGAZICI UNIVERSITESI · İstanbul',
    folded: foldText('BOGAZICI UNIVERSITESI Boğaziçi University BOGAZICI UNIVERSITESI İstanbul'),
    keywords: ['TR ISTANBU01', 'TRISTANBU01', 'bogazici.edu.tr'],
    country: 'TR',
    city: 'İstanbul',
    category: null,
    iscedBroadFields: [],
    languages: [],
    public: true,
    publishAt: 0,
    unpublishAt: NEVER,
    displayAt: 1_700_000_000,
  };

  it('fold keywords without spaces, so that a code in any spelling lands on one key', () => {
    expect(keywordKey('TR ISTANBU01')).toBe('tristanbu01');
    expect(keywordKey('D  BERLIN01')).toBe(keywordKey('d berlin01'));
    const row = searchDocumentRow(doc);
    expect(row.keys).toEqual(['tristanbu01', 'bogaziciedutr']);
  });

  it('hold folded titles and city, and each word of the searchable text once', () => {
    const row = searchDocumentRow(doc);
    expect(row.title_folded).toBe('bogazici universitesi | bogazici university');
    expect(row.city_folded).toBe('istanbul');
    expect(row.search_text).toBe('bogazici universitesi university istanbul tristanbu01 bogaziciedutr');
  });
});
