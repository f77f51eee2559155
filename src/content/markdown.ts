import MarkdownIt from 'markdown-it';

export interface Rendered {
  html: string;
  toc: { id: string; text: string }[];
  text: string;
  /** The text in blocks (each heading, paragraph, list item, table cell), separated by a blank line. */
  blocks: string;
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
  return { html, toc, text: plainText(html), blocks: plainBlocks(html) };
}

export function plainText(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Plain text that keeps where blocks end: a heading never runs into the sentence after it (search
 * passages are cut per block, see migration 0016). Blocks are joined by a blank line.
 */
export function plainBlocks(html: string): string {
  return decode(
    html
      .replace(/<\/(h[1-6]|p|li|blockquote|td|th|dt|dd|pre)>|<br\s*\/?>/gi, '\n\n')
      // Inline markup joins its text to what is around it: "de [Meldcode](…)." stays "de Meldcode."
      .replace(/<\/?(a|strong|em|code|span|abbr|sup|sub|s|mark)(\s[^>]*)?>/gi, '')
      .replace(/<[^>]+>/g, ' '),
  )
    .split(/\n\s*\n/)
    .map((block) => block.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
