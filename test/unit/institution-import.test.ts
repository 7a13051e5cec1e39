import { Institution } from '../../src/modules/institutions/institution.entity';
import {
  detectFormat,
  displayNameOf,
  fieldRank,
  formatImportSummary,
  ImportFileError,
  mapRecord,
  nameKey,
  parseImportText,
  planMerge,
  type ImportFormat,
  type ImportRecord,
  type ImportSummary,
} from '../../src/modules/institutions/institution-import.service';

const ECHE_BADEN = {
  erasmusCode: 'A BADEN01',
  pic: '948821603',
  oid: 'E10054064',
  legalName: 'PAEDAGOGISCHE HOCHSCHULE NIEDERÖSTERREICH',
  street: 'Mühlgasse 67',
  postCode: '2500',
  city: 'Baden',
  countryCode: 'AT',
  website: 'www.ph-noe.ac.at',
  echeStart: '2021-01-01',
  echeEnd: '2029-12-31',
};
const WORLD_CUKUROVA = {
  name: 'Cukurova University',
  domains: ['cu.edu.tr'],
  web_pages: ['http://www.cu.edu.tr/'],
  country: 'Turkiye',
  alpha_two_code: 'TR',
  'state-province': null,
};

function mapped(format: ImportFormat, data: unknown, index = 0): ImportRecord {
  const result = mapRecord(format, { index, data });
  if (!result.ok) throw new Error(`expected a mapped record, got: ${result.rejection.reason}`);
  return result.record;
}

function rejection(format: ImportFormat, data: unknown, index = 7) {
  const result = mapRecord(format, { index, data });
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

describe('format detection', () => {
  it('recognises an ECHE list, a world-universities list and CSV with a header row', () => {
    expect(detectFormat(JSON.stringify([ECHE_BADEN]))).toBe('eche');
    expect(detectFormat(JSON.stringify([WORLD_CUKUROVA]))).toBe('world-universities');
    expect(detectFormat('officialName,country,city\nUniversität Wien,AT,Wien\n')).toBe('csv');
    expect(detectFormat('\uFEFFlegalName;countryCode;erasmusCode\nX;AT;A WIEN01\n')).toBe('csv');
    expect(detectFormat('Name,Country Code,Website\nX,TR,x.edu.tr\n')).toBe('csv');
  });

  it('decides by the majority of the first records, so one malformed record does not hide the format', () => {
    expect(detectFormat(JSON.stringify([{ legalName: 'only a name' }, null, ECHE_BADEN, ECHE_BADEN]))).toBe('eche');
    expect(detectFormat(JSON.stringify([42, WORLD_CUKUROVA]))).toBe('world-universities');
  });

  it('refuses what it cannot read, saying why', () => {
    const reason = (text: string) => {
      try {
        detectFormat(text);
      } catch (e) {
        expect(e).toBeInstanceOf(ImportFileError);
        return (e as Error).message;
      }
      throw new Error('expected an ImportFileError');
    };
    expect(reason('')).toMatch(/empty/);
    expect(reason('[{"legalName": "x",')).toMatch(/not valid JSON/);
    expect(reason('{"records": []}')).toMatch(/not an array/);
    expect(reason('[]')).toMatch(/empty list/);
    expect(reason('[{"title": "x", "year": 2020}]')).toMatch(/neither the ECHE fields/);
    expect(reason('id,title\n1,x\n')).toMatch(/unknown format/);
    expect(reason('just some text')).toMatch(/unknown format/);
  });
});

describe('mapping an ECHE record', () => {
  it('normalises the Erasmus code, website and country and tidies the display name, keeping the official one', () => {
    const r = mapped('eche', ECHE_BADEN);
    expect(r).toMatchObject({
      source: 'eche',
      erasmusCode: 'A  BADEN01',
      website: 'https://www.ph-noe.ac.at',
      emailDomains: ['ph-noe.ac.at'],
      officialName: 'PAEDAGOGISCHE HOCHSCHULE NIEDERÖSTERREICH',
      displayName: 'Paedagogische Hochschule Niederösterreich',
      country: 'AT',
      city: 'Baden',
      street: 'Mühlgasse 67',
      postCode: '2500',
      pic: '948821603',
      oid: 'E10054064',
      echeStart: '2021-01-01',
      echeEnd: '2029-12-31',
      kind: 'HEI',
    });
    expect(r.schacGuess).toBeUndefined();
  });

  it('reads EU country codes as ISO ones (EL → GR) and tidies upper-case names and cities', () => {
    const r = mapped('eche', { ...ECHE_BADEN, erasmusCode: 'G ATHINE01', countryCode: 'EL', legalName: 'UNIVERSITY OF CUKUROVA', city: 'ATHINA' });
    expect(r.country).toBe('GR');
    expect(r.erasmusCode).toBe('G  ATHINE01');
    expect(r.displayName).toBe('University of Cukurova');
    expect(r.officialName).toBe('UNIVERSITY OF CUKUROVA');
    expect(r.city).toBe('Athina');
  });

  it('tidies Turkish capitals without leaving combining dots (BİTLİS → Bitlis)', () => {
    expect(displayNameOf('BİTLİS')).toBe('Bitlis');
    expect(displayNameOf('İSTANBUL TEKNİK ÜNİVERSİTESİ')).toBe('Istanbul Teknik Üniversitesi');
    expect(displayNameOf('İSTANBUL TEKNİK ÜNİVERSİTESİ')).not.toMatch(/\u0307/);
  });

  it('keeps a record whose website is not a URL, without the website, and says so', () => {
    const r = mapped('eche', { ...ECHE_BADEN, website: 'www.uoi.gr / www.rc.uoi.gr' });
    expect(r.website).toBeUndefined();
    expect(r.emailDomains).toEqual([]);
    expect(r.notes).toEqual(['website "www.uoi.gr / www.rc.uoi.gr" is not a URL: left out']);
  });
});

describe('mapping a world-universities record', () => {
  it('takes name, country, website and domains, and guesses the SCHAC code from a single domain', () => {
    const r = mapped('world-universities', WORLD_CUKUROVA);
    expect(r).toMatchObject({
      source: 'world-universities',
      officialName: 'Cukurova University',
      displayName: 'Cukurova University',
      displayNameGiven: true,
      country: 'TR',
      website: 'http://www.cu.edu.tr',
      emailDomains: ['cu.edu.tr'],
      schacGuess: 'cu.edu.tr',
    });
    expect(r.erasmusCode).toBeUndefined();
  });

  it('guesses no SCHAC code from several domains or a domain that is not the website’s', () => {
    const two = mapped('world-universities', { ...WORLD_CUKUROVA, domains: ['marmara.edu.tr', 'marun.edu.tr'], web_pages: ['http://www.marmara.edu.tr/'] });
    expect(two.schacGuess).toBeUndefined();
    expect(two.emailDomains).toEqual(['marmara.edu.tr', 'marun.edu.tr']);
    const student = mapped('world-universities', { ...WORLD_CUKUROVA, domains: ['student.eit.edu.au'], web_pages: ['https://www.eit.edu.au/'] });
    expect(student.schacGuess).toBeUndefined();
    expect(student.emailDomains).toEqual(['student.eit.edu.au', 'eit.edu.au']);
  });

  it('lower-cases domains, drops www., and repairs Windows-1252 quotes read as control characters', () => {
    const r = mapped('world-universities', { ...WORLD_CUKUROVA, name: 'Academy \u0093Leon Schiller\u0094 in Lodz', domains: ['WWW.Filmowka.Lodz.PL'] });
    expect(r.officialName).toBe('Academy “Leon Schiller” in Lodz');
    expect(r.emailDomains).toEqual(['filmowka.lodz.pl', 'cu.edu.tr']);
  });
});

describe('validation', () => {
  it('rejects a record with its index and the reason', () => {
    expect(rejection('eche', { ...ECHE_BADEN, legalName: '  ' })).toEqual({ index: 7, reason: 'legalName is empty' });
    expect(rejection('eche', { ...ECHE_BADEN, countryCode: 'AUT' }).reason).toBe('countryCode "AUT" is not a 2-letter country code');
    expect(rejection('eche', { ...ECHE_BADEN, countryCode: null }).reason).toBe('countryCode is missing');
    expect(rejection('eche', { ...ECHE_BADEN, erasmusCode: 'BADEN' }).reason).toBe('Erasmus code "BADEN" is not a valid Erasmus code');
    expect(rejection('eche', { ...ECHE_BADEN, pic: '94882160' }).reason).toBe('PIC "94882160" is not 9 digits');
    expect(rejection('eche', { ...ECHE_BADEN, oid: 'E1005406' }).reason).toBe('OID "E1005406" is not E followed by 8 digits');
    expect(rejection('eche', { ...ECHE_BADEN, echeEnd: '2029-02-30' }).reason).toBe('echeEnd "2029-02-30" is not a date (YYYY-MM-DD)');
    expect(rejection('eche', { ...ECHE_BADEN, echeStart: '2030-01-01' }).reason).toMatch(/echeStart 2030-01-01 is after echeEnd/);
    expect(rejection('eche', { ...ECHE_BADEN, legalName: 42 }).reason).toBe('legalName is not text');
    expect(rejection('eche', 'a string').reason).toBe('not an object');
    expect(rejection('world-universities', { ...WORLD_CUKUROVA, alpha_two_code: 'Turkey' }).reason).toMatch(/not a 2-letter country code/);
    expect(rejection('world-universities', { ...WORLD_CUKUROVA, domains: ['cu.edu.tr', 42] }).reason).toBe('domains is not a list of text');
  });

  it('accepts missing optional identifiers and any spelling of a valid Erasmus code', () => {
    expect(mapped('eche', { ...ECHE_BADEN, oid: null, pic: '', website: null }).oid).toBeUndefined();
    expect(mapped('eche', { ...ECHE_BADEN, erasmusCode: 'a  baden01' }).erasmusCode).toBe('A  BADEN01');
    expect(mapped('eche', { ...ECHE_BADEN, erasmusCode: 'TR ANKARA01', countryCode: 'TR' }).erasmusCode).toBe('TR ANKARA01');
  });
});

describe('CSV', () => {
  it('maps header names like the ECHE fields or the directory’s, quoted fields included', () => {
    const parsed = parseImportText(
      [
        'Official Name,country,City,website,erasmus_code,PIC,schacCode,name,otherNames,domains',
        '"Universität Wien, Hauptgebäude",AT,Wien,univie.ac.at,A WIEN01,999999999,univie.ac.at,University of Vienna,Uni Wien; Alma Mater Rudolphina,univie.ac.at;unet.univie.ac.at',
        'Second,TR,,,,,,,,',
      ].join('\r\n'),
    );
    expect(parsed.format).toBe('csv');
    const r = mapped('csv', parsed.records[0].data);
    expect(r).toMatchObject({
      source: 'csv',
      officialName: 'Universität Wien, Hauptgebäude',
      displayName: 'University of Vienna',
      displayNameGiven: true,
      otherNames: ['Uni Wien', 'Alma Mater Rudolphina'],
      country: 'AT',
      city: 'Wien',
      website: 'https://univie.ac.at',
      erasmusCode: 'A  WIEN01',
      pic: '999999999',
      schacCode: 'univie.ac.at',
      emailDomains: ['univie.ac.at', 'unet.univie.ac.at'],
    });
    expect(mapped('csv', parsed.records[1].data)).toMatchObject({ officialName: 'Second', country: 'TR', emailDomains: [] });
  });

  it('reads ECHE-named columns with semicolons, and rejects a row of the wrong width with its line', () => {
    const parsed = parseImportText('legalName;countryCode;erasmusCode;website\nUNIVERSITY OF CUKUROVA;TR;TR ADANA01;cu.edu.tr\nBroken;TR\n');
    expect(parsed.records).toHaveLength(2);
    expect(mapped('csv', parsed.records[0].data)).toMatchObject({ officialName: 'UNIVERSITY OF CUKUROVA', displayName: 'University of Cukurova', erasmusCode: 'TR ADANA01' });
    const bad = mapRecord('csv', parsed.records[1]);
    expect(bad).toEqual({ ok: false, rejection: { index: 1, line: 3, reason: 'has 2 fields, the header has 4' } });
  });

  it('refuses CSV that cannot be parsed as a whole', () => {
    expect(() => parseImportText('officialName,country\n"unterminated,TR\n')).toThrow(/not valid CSV/);
  });
});

describe('name keys', () => {
  it('equal names that differ in word order, articles or the language of "university"', () => {
    expect(nameKey('Boğaziçi University')).toBe(nameKey('BOGAZICI UNIVERSITESI'));
    expect(nameKey('University of Cukurova')).toBe(nameKey('Cukurova University'));
    expect(nameKey('Universität Graz')).toBe(nameKey('UNIVERSITAET GRAZ'));
    expect(nameKey('Technical University of Lodz')).not.toBe(nameKey('POLITECHNIKA LODZKA'));
  });

  it('give no key for one-word or generic names', () => {
    expect(nameKey('ESSEC')).toBeUndefined();
    expect(nameKey('National University')).toBeUndefined();
    expect(nameKey('The University of Applied Sciences')).toBeUndefined();
  });
});

describe('merging', () => {
  function institution(fields: Partial<Institution>): Institution {
    const i = new Institution();
    Object.assign(i, { officialName: 'X', name: {}, country: 'TR', otherNames: [], emailDomains: [], sources: [] }, fields);
    return i;
  }
  const eche = mapped('eche', { ...ECHE_BADEN, erasmusCode: 'TR ADANA01', countryCode: 'TR', legalName: 'UNIVERSITY OF CUKUROVA', city: 'ADANA', website: 'https://www.cu.edu.tr/' });
  const world = mapped('world-universities', WORLD_CUKUROVA);

  it('trusts the ECHE list for legal names, codes and addresses, the world list for English names, staff above both', () => {
    expect(fieldRank('eche', 'officialName')).toBeGreaterThan(fieldRank('world-universities', 'officialName'));
    expect(fieldRank('world-universities', 'nameEn')).toBeGreaterThan(fieldRank('eche', 'nameEn'));
    expect(fieldRank('staff', 'website')).toBeGreaterThan(fieldRank('csv', 'website'));
  });

  it('a world record merged into an ECHE institution fills gaps and the English name, never the legal name', () => {
    const target = institution({ officialName: eche.officialName, name: { en: eche.displayName }, erasmusCode: eche.erasmusCode, website: eche.website, emailDomains: ['cu.edu.tr'], city: 'Adana', sources: ['eche'] });
    const changes = planMerge(target, world, false);
    const fields = Object.fromEntries(changes.map((c) => [c.field, c.to]));
    expect(fields).toEqual({ sources: ['eche', 'world-universities'], nameEn: 'Cukurova University', schacCode: 'cu.edu.tr' });
  });

  it('an ECHE record merged into a world institution takes the legal name and keeps the English one', () => {
    const target = institution({ officialName: world.officialName, name: { en: world.displayName }, website: world.website, emailDomains: ['cu.edu.tr'], schacCode: 'cu.edu.tr', sources: ['world-universities'] });
    const fields = Object.fromEntries(planMerge(target, eche, false).map((c) => [c.field, c.to]));
    expect(fields).toMatchObject({ officialName: 'UNIVERSITY OF CUKUROVA', website: 'https://www.cu.edu.tr', erasmusCode: 'TR ADANA01', city: 'Adana' });
    expect(fields.nameEn).toBeUndefined();
    expect(fields.schacCode).toBeUndefined();
  });

  it('keeps other spellings as otherNames, once', () => {
    const target = institution({ officialName: 'Marmara University', name: { en: 'Marmara University' }, sources: ['staff'] });
    const other = mapped('world-universities', { ...WORLD_CUKUROVA, name: 'Marmara Üniversitesi' });
    const changes = planMerge(target, other, false);
    expect(changes.find((c) => c.field === 'otherNames')?.to).toEqual(['Marmara Üniversitesi']);
    target.otherNames = ['Marmara Üniversitesi'];
    target.sources = ['staff', 'world-universities'];
    expect(planMerge(target, { ...other, website: undefined, schacGuess: undefined, emailDomains: [] }, false)).toEqual([]);
  });

  it('never overwrites what staff entered, and only adds a source to the home institution', () => {
    const staff = institution({ officialName: 'Çukurova Üniversitesi', website: 'https://cu.edu.tr', sources: ['staff'] });
    const fields = planMerge(staff, eche, true).map((c) => c.field);
    expect(fields).not.toContain('officialName');
    expect(fields).not.toContain('website');
    expect(fields).toContain('erasmusCode');
    const home = institution({ isHome: true, sources: [] });
    expect(planMerge(home, eche, true)).toEqual([{ field: 'sources', from: [], to: ['eche'] }]);
  });
});

describe('the printed summary', () => {
  it('gives the counts and the reasons of rejections, a limited number of them', () => {
    const summary: ImportSummary = {
      format: 'csv',
      total: 30,
      created: 3,
      merged: 2,
      updated: 1,
      unchanged: 0,
      rejected: Array.from({ length: 24 }, (_, i) => ({ index: i, line: i + 2, reason: `bad ${i}` })),
      notes: [],
      matchedBy: { erasmusCode: 0, pic: 0, oid: 0, domain: 2, name: 1 },
      elapsedMs: 1234,
    };
    const text = formatImportSummary('partners.csv', summary);
    expect(text).toMatch(/^partners\.csv \(CSV\): 30 records in 1\.2 s/);
    expect(text).toMatch(/created +3/);
    expect(text).toMatch(/merged +2/);
    expect(text).toMatch(/rejected +24/);
    expect(text).toContain('line 2: bad 0');
    expect(text).toContain('... and 4 more (--json lists them all)');
  });
});
