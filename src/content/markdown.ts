import MarkdownIt from 'markdown-it';

export interface Rendered {
  html: string;
  toc: { id: string; text: string }[];
  text: string;
}

// Raw HTML is off: content is written by editors, but what they paste must never become markup.
const md = new MarkdownIt({ html: false, linkify: false, typographer: true });

export function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'sectie'
  );
}

export function renderMarkdown(source: string): Rendered {
  const env = {};
  const tokens = md.parse(source, env);
  const toc: Rendered['toc'] = [];
  const used = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const inline = tokens[i + 1];
    const text = inline?.content ?? '';
    let id = slugify(text);
    for (let n = 2; used.has(id); n++) id = `${slugify(text)}-${n}`;
    used.add(id);
    token.attrSet('id', id);
    if (token.tag === 'h2') toc.push({ id, text });
  });
  const html = md.renderer.render(tokens, md.options, env);
  return { html, toc, text: plainText(html) };
}

export function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
