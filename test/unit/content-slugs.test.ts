import { normalisePath, slugify, SLUG } from '../../src/modules/content/content.slugs';

describe('slugify', () => {
  it('transliterates Turkish letters (both cases, dotted and dotless i) and joins words with hyphens', () => {
    expect(slugify('Öğrenci Değişim Günü')).toBe('ogrenci-degisim-gunu');
    expect(slugify('IŞIK ılık İĞNE çöp ŞÜPHE')).toBe('isik-ilik-igne-cop-suphe');
    expect(slugify('Erasmus+ Bilgi Günü 2027')).toBe('erasmus-bilgi-gunu-2027');
  });

  it('drops other accents and punctuation, collapsing separators and trimming hyphens', () => {
    expect(slugify('Café déjà vu')).toBe('cafe-deja-vu');
    expect(slugify('  Çağrı: ŞUBAT / Mart  ')).toBe('cagri-subat-mart');
    expect(slugify('---a---b---')).toBe('a-b');
    expect(slugify('How to apply?')).toBe('how-to-apply');
    // An apostrophe joins a Turkish suffix to its word; it does not split it.
    expect(slugify("İstanbul'da Kış Okulu")).toBe('istanbulda-kis-okulu');
    expect(slugify('Student’s guide')).toBe('students-guide');
  });

  it('gives nothing for text without letters or digits it can keep (the caller falls back)', () => {
    expect(slugify('日本語')).toBe('');
    expect(slugify('!!!')).toBe('');
  });

  it('cuts at 100 characters without leaving a trailing hyphen', () => {
    expect(slugify('a'.repeat(120))).toBe('a'.repeat(100));
    const cut = slugify(`${'a'.repeat(99)} bcd`);
    expect(cut).toBe('a'.repeat(99));
    expect(cut.length).toBeLessThanOrEqual(100);
  });

  it('always produces slugs of the accepted form', () => {
    for (const title of ['Öğrenci Değişim Günü', 'Café déjà vu', 'A  --  B', 'Mevlana 2026/2027 Çağrısı']) expect(slugify(title)).toMatch(SLUG);
  });
});

describe('normalisePath', () => {
  it('trims spaces and outer slashes and lower-cases', () => {
    expect(normalisePath('/Erasmus/How-To-Apply/')).toBe('erasmus/how-to-apply');
    expect(normalisePath('  erasmus  ')).toBe('erasmus');
    expect(normalisePath('//erasmus//')).toBe('erasmus');
    expect(normalisePath('A/B')).toBe('a/b');
    expect(normalisePath('erasmus//how-to-apply')).toBe('erasmus/how-to-apply');
  });
});

describe('SLUG', () => {
  it('accepts lower-case words joined by single hyphens and nothing else', () => {
    expect(SLUG.test('how-to-apply')).toBe(true);
    expect(SLUG.test('erasmus2027')).toBe(true);
    for (const bad of ['How-To', 'a--b', '-a', 'a-', 'a b', 'a/b', 'öğrenci', '']) expect(SLUG.test(bad)).toBe(false);
  });
});
