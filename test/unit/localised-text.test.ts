import { localeFromHeader, pickLocale } from '../../src/platform/graphql/localised-text';

describe('localised text', () => {
  it('picks the wanted language, then the default, then any language there is', () => {
    const both = { tr: 'Mühendislik Fakültesi', en: 'Faculty of Engineering' };
    expect(pickLocale(both, 'en', 'tr')).toBe('Faculty of Engineering');
    expect(pickLocale({ tr: 'Tıp Fakültesi' }, 'en', 'tr')).toBe('Tıp Fakültesi');
    expect(pickLocale({ en: 'Only English' }, 'tr', 'tr')).toBe('Only English');
    expect(pickLocale(null, 'tr', 'tr')).toBe('');
  });

  it('reads the first supported language of an Accept-Language header', () => {
    expect(localeFromHeader('en-GB,en;q=0.9,tr;q=0.8', 'tr')).toBe('en');
    expect(localeFromHeader('de-DE, tr;q=0.5', 'en')).toBe('tr');
    expect(localeFromHeader('de-DE,fr', 'tr')).toBe('tr');
    expect(localeFromHeader(undefined, 'en')).toBe('en');
  });
});
