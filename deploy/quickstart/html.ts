/**
 * Server-side HTML for the quickstart apps: one escaping function and one page layout with a
 * little inline CSS. No templates, no front-end build: what an operator copies stays readable.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Marks a string as already-safe HTML so `html` does not escape it again. */
export interface SafeHtml {
  readonly __html: string;
}

/** Wraps markup built elsewhere (already escaped) for interpolation into `html`. */
export function raw(markup: string): SafeHtml {
  return { __html: markup };
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && '__html' in value;
}

/**
 * A tagged template that escapes every interpolated value except `SafeHtml` (and arrays of
 * them), so a template cannot forget to escape.
 * @example html`<p>Hello ${name}</p>` // name is escaped
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) {
      if (part === undefined || part === null || part === false) continue;
      out += isSafe(part) ? part.__html : escapeHtml(part);
    }
    out += strings[i + 1] ?? '';
  });
  return raw(out);
}

/**
 * A client-supplied URI for an `href` or `src`: only http(s), read with the URL parser as the
 * browser will read it (it drops tabs and spaces, so " java\tscript:" is javascript:).
 * Undefined for anything else: a `javascript:` link would run on this app's origin.
 * @example const policy = webUri(client.policy_uri); // then html`<a href="${policy}">`
 */
export function webUri(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const STYLE = `
  :root { color-scheme: light; --accent: #3451b2; --danger: #b42318; --muted: #5c6370; }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f5f7; color: #1f2328; }
  main { max-width: 40rem; margin: 3rem auto; background: #fff; padding: 2rem 2.25rem; border-radius: 10px; box-shadow: 0 1px 3px rgb(0 0 0 / .12); }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  label.inline { display: flex; gap: .5rem; align-items: center; font-weight: 400; margin: .4rem 0; }
  input[type=email], input[type=password], input[type=text] { width: 100%; padding: .55rem .65rem; font: inherit; border: 1px solid #c4c8cf; border-radius: 6px; }
  input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #93a8f5; outline-offset: 2px; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; flex-wrap: wrap; }
  button, a.button { font: inherit; padding: .55rem 1.1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
  button.secondary, a.button.secondary { background: #fff; color: var(--accent); }
  button.danger { background: #fff; color: var(--danger); border-color: var(--danger); }
  .hint { color: var(--muted); font-size: .9rem; }
  .error { color: var(--danger); background: #fef3f2; border: 1px solid #fecdca; padding: .6rem .8rem; border-radius: 6px; }
  .client { display: flex; gap: 1rem; align-items: center; margin-bottom: 1rem; }
  .client img { width: 56px; height: 56px; border-radius: 8px; object-fit: contain; border: 1px solid #e3e5e8; }
  fieldset { border: 1px solid #e3e5e8; border-radius: 8px; padding: .5rem 1rem 1rem; margin: 1rem 0 0; }
  legend { font-weight: 600; padding: 0 .25rem; }
  pre { background: #f6f8fa; padding: .75rem; border-radius: 6px; overflow-x: auto; font-size: .85rem; }
  table { border-collapse: collapse; width: 100%; font-size: .92rem; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eceef1; vertical-align: top; word-break: break-all; }
  th { width: 11rem; font-weight: 600; word-break: normal; }
  code { font-size: .9em; }
`;

/** A complete, accessible HTML document (lang, charset, viewport, one h1 in `body`). */
export function page(title: string, body: SafeHtml): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.__html}
</main>
</body>
</html>
`;
}
