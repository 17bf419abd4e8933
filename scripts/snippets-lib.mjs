// The TypeScript snippets of a Markdown file, for the checks that type-check and run them
// (apps/docs/test/snippets.mjs, scripts/pack-check.mjs). A snippet is a ```ts (or ```typescript)
// block; it is runnable when the line before its fence is `<!-- snippet: runnable -->`.

/** The ```ts blocks of Markdown `text`: `{ line, code, runnable }` (line: the fence's, 1-based). */
export function extractSnippets(text) {
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^(\s*)```(ts|typescript)\b/);
    if (!m) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) {
      body.push(lines[i].slice(m[1].length));
    }
    let k = start - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    out.push({
      line: start + 1,
      code: body.join('\n'),
      runnable: /<!--\s*snippet:\s*runnable\s*-->/.test(lines[k] ?? ''),
    });
  }
  return out;
}
