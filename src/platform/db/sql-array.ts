/**
 * A PostgreSQL array literal for a raw query parameter (`= any(?::uuid[])`): the query builder would otherwise spread
 * a JavaScript array into a list of parameters.
 */
export function sqlArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
