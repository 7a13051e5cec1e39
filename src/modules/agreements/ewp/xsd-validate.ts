/**
 * Validation of EWP documents against the official schemas in `ewp/` (repository root), offline: xmllint-wasm has no
 * catalog support, so each remote `schemaLocation` in the schemas is rewritten to the local file name the catalog
 * (`ewp/catalog.xml`) maps it to, every schema is preloaded into xmllint's in-memory file system, and `--nonet`
 * forbids any network access. Nothing outside the repository is read.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

/** The copied EWP schemas (see ewp/README.md); the same relative path from src/ and dist/. */
export const EWP_DIR = path.resolve(__dirname, '../../../../ewp');

export const IIAS_GET_RESPONSE_XSD = 'iias-get-response.xsd';

export interface XmlProblem {
  message: string;
  /** Line in the validated document, when xmllint names one. */
  line: number | null;
}

export interface XsdValidation {
  valid: boolean;
  /** xmllint's messages: well-formedness first, then schema validity. */
  problems: XmlProblem[];
}

let schemaFiles: XMLFileInfo[] | undefined;

/** The catalog's remote-URL → local-file mapping. */
function catalogMapping(): Map<string, string> {
  const catalog = readFileSync(path.join(EWP_DIR, 'catalog.xml'), 'utf8');
  const map = new Map<string, string>();
  for (const m of catalog.matchAll(/<(?:uri|system)\s+(?:name|systemId)="([^"]+)"\s+uri="([^"]+)"/g)) map.set(m[1], m[2]);
  return map;
}

/** Every schema of ewp/, with remote schema locations pointing at the local copies (read once). */
function schemas(): XMLFileInfo[] {
  if (!schemaFiles) {
    const mapping = catalogMapping();
    schemaFiles = readdirSync(EWP_DIR)
      .filter((f) => f.endsWith('.xsd'))
      .map((fileName) => ({
        fileName,
        contents: readFileSync(path.join(EWP_DIR, fileName), 'utf8').replace(/schemaLocation="([^"]+)"/g, (all, location: string) => {
          const local = mapping.get(location);
          return local ? `schemaLocation="${local}"` : all;
        }),
      }));
  }
  return schemaFiles;
}

const DOCUMENT = 'document.xml';

function problemsFrom(errors: readonly { message: string; loc: { fileName: string; lineNumber: number } | null }[]): XmlProblem[] {
  // xmllint follows a parser error with the offending line and a caret: keep only the located messages.
  return errors
    .filter((e) => e.loc && e.loc.fileName === DOCUMENT)
    .map((e) => ({ message: e.message.replace(/^(Schemas validity error|parser error) : /, '').trim(), line: e.loc!.lineNumber }));
}

/** Validates a document against one of the EWP schemas (by file name in ewp/). */
export async function validateAgainstXsd(xml: string, schemaFile = IIAS_GET_RESPONSE_XSD): Promise<XsdValidation> {
  const all = schemas();
  const main = all.find((s) => s.fileName === schemaFile);
  if (!main) throw new Error(`No schema ${schemaFile} in ${EWP_DIR}`);
  try {
    const result = await validateXML({
      xml: { fileName: DOCUMENT, contents: xml },
      schema: main,
      preload: all.filter((s) => s !== main),
      modifyArguments: (args) => ['--nonet', ...args],
    });
    if (result.valid) return { valid: true, problems: [] };
    const problems = problemsFrom(result.errors);
    return { valid: false, problems: problems.length ? problems : [{ message: result.rawOutput.trim() || 'invalid document', line: null }] };
  } catch (e) {
    // An exit status xmllint-wasm does not map (e.g. an unreadable input): report it as a problem of the document.
    const text = e instanceof Error ? e.message : String(e);
    const located = [...text.matchAll(/document\.xml:(\d+): (?:parser error : )?(.*)/g)].map((m) => ({ message: m[2].trim(), line: Number(m[1]) }));
    return { valid: false, problems: located.length ? located : [{ message: text.trim() || 'unreadable document', line: null }] };
  }
}
