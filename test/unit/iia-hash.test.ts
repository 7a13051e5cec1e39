import { readFileSync } from 'node:fs';
import path from 'node:path';
import { computeIiaHashes, sha256Hex } from '../../src/modules/agreements/ewp/iia-hash';
import { parseXml, textOf } from '../../src/modules/agreements/ewp/xml-tree';

const EWP = path.resolve(__dirname, '../../ewp');
const example = readFileSync(path.join(EWP, 'iias-get-response-example.xml'), 'utf8');
const hashExample = readFileSync(path.join(EWP, 'iias-hash-example-v7.xml'), 'utf8');

describe('EWP IIA v7 iia-hash (port of iias-transform_version_7.xsl)', () => {
  it('reproduces the hash of the official example iias-get-response-example.xml', () => {
    const [iia, ...more] = computeIiaHashes(example);
    expect(more).toHaveLength(0);
    expect(iia.hash).toBe('e950faa83a799cf45839e7915db88ed51575babe7845c1219dfde54ce30a61e4');
    expect(iia.statedHash).toBe(iia.hash);
    expect(iia.iiaId).toBe('0f7a5682-faf7-49a7-9cc7-ec486c49a281');
    expect(iia.validForApproval).toBe(true);
  });

  it('reproduces the hash of iias-hash-example-v7.xml, which is not valid for approval', () => {
    const [iia] = computeIiaHashes(hashExample);
    expect(iia.hash).toBe('87b33170d7a6c6d894215641f39e7b7de36501265479e5ab3922f32d5b225033');
    expect(iia.statedHash).toBe(iia.hash);
    expect(iia.validForApproval).toBe(false);
  });

  it('hashes the SHA-256 of the text-to-hash, built from partner iia-ids and the conditions in order', () => {
    const [iia] = computeIiaHashes(example);
    expect(iia.hash).toBe(sha256Hex(iia.textToHash));
    expect(iia.textToHash.startsWith('_iia-id_1=0f7a5682-faf7-49a7-9cc7-ec486c49a281__iia-id_2=1954991_')).toBe(true);
    expect(iia.textToHash).toContain(
      '_cooperation-conditions.student-studies-mobility-spec.mobilities-per-year=2__student-studies-mobility-spec.recommended-language-skill.language=en_',
    );
    expect(iia.textToHash).toContain('_receiving-first-academic-year-id=2014/2015__receiving-last-academic-year-id=2020/2021_');
    expect(iia.textToHash.endsWith('_receiving-last-academic-year-id=2017/2018_')).toBe(true);
  });

  it('leaves out contacts and not-yet-defined values and uses the v6 ISCED value', () => {
    const [iia] = computeIiaHashes(hashExample);
    expect(iia.textToHash).not.toContain('XYZ'); // a sending-contact
    expect(iia.textToHash).not.toContain('123456789');
    expect(iia.textToHash).not.toContain('student-studies-mobility-spec.mobilities-per-year'); // not-yet-defined
    expect(iia.textToHash).not.toContain('student-studies-mobility-spec.recommended-language-skill'); // not-yet-defined, with its children
    expect(iia.textToHash).toContain('_student-studies-mobility-spec.subject-area.isced-f-code=031_');
  });

  it('changes with a condition value and with termination, not with contacts, comments or the stated hash', () => {
    const base = computeIiaHashes(example)[0].hash;
    const contactAdded = example.replace(
      '<!-- Optional other remote contacts go here, if known. -->',
      '<c:contact><c:contact-name>Someone Else</c:contact-name></c:contact><!-- another comment -->',
    );
    expect(computeIiaHashes(contactAdded)[0].hash).toBe(base);
    expect(computeIiaHashes(example.replace(/<iia-hash>[0-9a-f]+<\/iia-hash>/, `<iia-hash>${'0'.repeat(64)}</iia-hash>`))[0].hash).toBe(base);

    const moreMobilities = example.replace('<mobilities-per-year>10</mobilities-per-year>', '<mobilities-per-year>11</mobilities-per-year>');
    expect(computeIiaHashes(moreMobilities)[0].hash).not.toBe(base);

    const terminated = example.replace('<cooperation-conditions>', '<cooperation-conditions terminated-as-a-whole="true">');
    const [t] = computeIiaHashes(terminated);
    expect(t.textToHash.startsWith('_@terminated-as-a-whole@__iia-id_1=')).toBe(true);
    expect(t.hash).not.toBe(base);
  });

  it('reads references once and keeps CDATA as written', () => {
    const root = parseXml('<a x="1&#10;2"><b>&amp;#65;&#65;&lt;<![CDATA[&amp;]]></b></a>');
    expect(textOf(root)).toBe('&#65;A<&amp;');
    expect(root.attributes[0].value).toBe('1\n2');
  });
});
