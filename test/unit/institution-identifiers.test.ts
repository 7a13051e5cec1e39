import {
  canonicalErasmusCode,
  domainOf,
  foldText,
  isoCountry,
  normaliseWebsite,
  searchTextOf,
  tidyName,
} from '../../src/modules/institutions/institution-identifiers';

describe('Erasmus codes', () => {
  it.each([
    ['A BADEN01', 'A  BADEN01'],
    ['A  BADEN01', 'A  BADEN01'],
    ['d berlin01', 'D  BERLIN01'],
    ['dberlin01', 'D  BERLIN01'],
    ['TR ANKARA01', 'TR ANKARA01'],
    ['trankara01', 'TR ANKARA01'],
    ['PL WARSZAW01', 'PL WARSZAW01'],
    ['IRLDUBLIN01', 'IRLDUBLIN01'],
    ['SF HELSINK01', 'SF HELSINK01'],
    ['S  FALUN01', 'S  FALUN01'],
  ])('normalises %s to %s', (raw, canonical) => {
    expect(canonicalErasmusCode(raw)).toBe(canonical);
  });

  it('uses the country to read a code typed without spaces', () => {
    expect(canonicalErasmusCode('sfalun01', 'SE')).toBe('S  FALUN01');
    expect(canonicalErasmusCode('sfalun01', 'FI')).toBe('SF ALUN01');
  });

  it.each([[''], ['BERLIN'], ['XX BERLIN01'], ['D BERLINBERLIN01'], ['D BERLIN1234']])('rejects %p', (raw) => {
    expect(canonicalErasmusCode(raw)).toBeUndefined();
  });

  it('maps the EU country codes to ISO', () => {
    expect(isoCountry('EL')).toBe('GR');
    expect(isoCountry('uk')).toBe('GB');
    expect(isoCountry('TR')).toBe('TR');
  });
});

describe('websites and domains', () => {
  it('adds a scheme, lower-cases the host and drops a bare trailing slash', () => {
    expect(normaliseWebsite('www.atu.edu.tr')).toBe('https://www.atu.edu.tr');
    expect(normaliseWebsite('http://WWW.FHV.AT/')).toBe('http://www.fhv.at');
    expect(normaliseWebsite('https://uni.example/en/')).toBe('https://uni.example/en/');
    expect(normaliseWebsite('')).toBeUndefined();
    expect(normaliseWebsite('not a website')).toBeUndefined();
  });

  it('finds the domain without www', () => {
    expect(domainOf('www.ph-noe.ac.at')).toBe('ph-noe.ac.at');
    expect(domainOf('https://www.boun.edu.tr/en')).toBe('boun.edu.tr');
    expect(domainOf('metu.edu.tr')).toBe('metu.edu.tr');
    expect(domainOf(undefined)).toBeUndefined();
  });
});

describe('names', () => {
  it('folds case and diacritics, Turkish letters included', () => {
    expect(foldText('Boğaziçi Üniversitesi')).toBe('bogazici universitesi');
    expect(foldText('İSTANBUL TEKNİK ÜNİVERSİTESİ')).toBe('istanbul teknik universitesi');
    expect(foldText('Işık Üniversitesi')).toBe('isik universitesi');
    expect(foldText('Politechnika Łódzka')).toBe('politechnika lodzka');
    expect(foldText('Ludwig-Maximilians-Universität München')).toBe('ludwig maximilians universitat munchen');
  });

  it('tidies names written in capitals and leaves others alone', () => {
    expect(tidyName('UNIVERSITY OF CUKUROVA')).toBe('University of Cukurova');
    expect(tidyName('Boğaziçi University')).toBe('Boğaziçi University');
    expect(tidyName('ETH')).toBe('ETH');
  });

  it('builds one searchable string from every name and identifier', () => {
    const text = searchTextOf({
      officialName: 'FREIE UNIVERSITÄT BERLIN',
      name: { en: 'Free University of Berlin' },
      otherNames: [],
      erasmusCode: 'D  BERLIN01',
      emailDomains: ['fu-berlin.de'],
    });
    expect(text).toContain('freie universitat berlin');
    expect(text).toContain('dberlin01');
    expect(text).toContain('fu berlin de');
  });
});

describe('real Erasmus codes beyond the documented pattern', () => {
  it.each([
    ['E BARCELO100', 'E  BARCELO100'],
    ['F PARIS001', 'F  PARIS001'],
    ['E TOLEDO3', 'E  TOLEDO3'],
    ['I FROSINONE03', 'I  FROSINONE03'],
    ['F PARIS 063', 'F  PARIS063'],
  ])('accepts %s as %s', (raw, canonical) => {
    expect(canonicalErasmusCode(raw)).toBe(canonical);
  });

  it('tidies Turkish capitals without a stray combining dot, and leaves mixed case alone', () => {
    expect(tidyName('BİTLİS EREN ÜNİVERSİTESİ')).toBe('Bitlis Eren Üniversitesi');
    expect(tidyName('İstanbul Teknik Üniversitesi')).toBe('İstanbul Teknik Üniversitesi');
  });
});
