// The TypeScript snippets of a Markdown file, for the checks that type-check and run them
// (apps/docs/test/snippets.mjs, scripts/pack-check.mjs). A snippet is a ```ts (or ```typescript)
// block; it is runnable when the line before its fence is `<!-- snippet: runnable -->`, and it is
// code of an app (its `./src/...` imports relative to that app's folder) when that line is
// `<!-- snippet: app=<name> -->` (e.g. `app=reproduce`).

/**
 * The ```ts blocks of Markdown `text`: `{ line, code, runnable, app }` (line: the fence's, 1-based;
 * app: the app folder name of an app snippet, else undefined).
 */
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
    const marker = lines[k] ?? '';
    out.push({
      line: start + 1,
      code: body.join('\n'),
      runnable: /<!--\s*snippet:\s*runnable\s*-->/.test(marker),
      app: marker.match(/<!--\s*snippet:\s*app=([\w-]+)\s*-->/)?.[1],
    });
  }
  return out;
}
