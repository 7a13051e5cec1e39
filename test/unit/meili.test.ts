import { meiliFilter, quote, snippetHtml } from '../../src/modules/search/meili.engine';
import { indexSettings, synonymGroups, synonymMap } from '../../src/modules/search/meili.index';

describe('Meilisearch engine pieces (no server)', () => {
  it('filters: permitted types, the public window outside the office, facet choices; values quoted', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(meiliFilter({ types: ['INSTITUTION', 'EVENT'], office: true, now, filter: {} })).toEqual(['type IN ["INSTITUTION", "EVENT"]']);
    expect(
      meiliFilter({ types: ['EVENT'], office: false, now, filter: { countries: ['TR', 'DE'], categories: ['CALL'], iscedBroadFields: ['06'], languages: ['en'] } }),
    ).toEqual([
      'type IN ["EVENT"]',
      'public = true AND publishAt <= 1893456000 AND unpublishAt > 1893456000',
      'country IN ["TR", "DE"]',
      'category IN ["CALL"]',
      'iscedBroadFields IN ["06"]',
      'languages IN ["en"]',
    ]);
    expect(quote('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
  });

  it('snippets: text escaped, only the highlight marks become tags', () => {
    expect(snippetHtml('\uE000İstanbul\uE001 <script>&"\'')).toBe('<mark>İstanbul</mark> &lt;script&gt;&amp;&quot;&#39;');
  });

  it('synonyms come from the data file, both ways', () => {
    const groups = synonymGroups();
    expect(groups.length).toBeGreaterThan(5);
    const map = synonymMap([['uni', 'University', 'üniversite']]);
    expect(map).toEqual({ uni: ['university', 'üniversite'], university: ['uni', 'üniversite'], üniversite: ['uni', 'university'] });
    const settings = indexSettings();
    expect(settings.synonyms?.uni).toEqual(expect.arrayContaining(['university', 'üniversite', 'universität', 'université']));
    expect(settings.synonyms?.teknik).toEqual(expect.arrayContaining(['tech', 'technical']));
  });
});
