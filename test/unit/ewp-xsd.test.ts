import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EWP_DIR, validateAgainstXsd } from '../../src/modules/agreements/ewp/xsd-validate';

const EWP = path.resolve(__dirname, '../../ewp');
const example = readFileSync(path.join(EWP, 'iias-get-response-example.xml'), 'utf8');

describe('EWP schema validation (xmllint-wasm, schemas copied into ewp/)', () => {
  it('reads the schemas from the repository, not from ../shared', () => {
    expect(EWP_DIR).toBe(EWP);
  });

  it('accepts both official IIA examples offline', async () => {
    expect(await validateAgainstXsd(example)).toEqual({ valid: true, problems: [] });
    const hashExample = readFileSync(path.join(EWP, 'iias-hash-example-v7.xml'), 'utf8');
    expect((await validateAgainstXsd(hashExample)).valid).toBe(true);
  });

  it('names the line and the problem of a document that breaks the schema', async () => {
    const result = await validateAgainstXsd(example.replace('<in-effect>true</in-effect>', '<in-effect>yes</in-effect>'));
    expect(result.valid).toBe(false);
    expect(result.problems[0].line).toBe(example.split('\n').findIndex((l) => l.includes('<in-effect>')) + 1);
    expect(result.problems[0].message).toMatch(/in-effect.*'yes' is not a valid value/);
  });

  it('reports a document that is not well-formed with its line', async () => {
    const result = await validateAgainstXsd('<iias-get-response>\n<iia>\n</iias-get-response>');
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatchObject({ line: 3 });
    expect(result.problems[0].message).toMatch(/mismatch/i);
  });
});
