/** JSON output: indented for people reading it, one document ending in a newline. */
export function renderJson(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
