import MarkdownIt, { type Token } from 'markdown-it';

/** Something found in a Markdown document, with the 1-based line it is on. */
export interface Located<T> {
  /** 1-based line of the document. */
  line: number;
  value: T;
}

/** What the docs check needs of one Markdown document. */
export interface MarkdownOutline {
  /** Targets of links and images (`href` / `src`), as written. */
  links: Array<Located<string>>;
  /** Plain text of every heading, in order (what GitHub derives anchors from). */
  headings: string[];
  /**
   * Code the reader may type: each inline code span, and each line of a fenced or indented code
   * block (except those of data languages such as `graphql`, `json` or `yaml`).
   */
  code: Array<Located<string>>;
}

/** Fence languages whose lines are never shell commands. */
const DATA_LANGUAGES = new Set([
  'graphql',
  'gql',
  'json',
  'jsonc',
  'yaml',
  'yml',
  'ts',
  'typescript',
  'js',
  'javascript',
  'mermaid',
  'sql',
]);

const parser = new MarkdownIt('default', { html: true });

/**
 * Parses a Markdown document (CommonMark with GFM tables, by markdown-it) into its links, heading
 * texts and code.
 *
 * @param text - the document
 * @returns what the document links to, its headings and its code, with line numbers
 */
export function outlineOf(text: string): MarkdownOutline {
  const outline: MarkdownOutline = { links: [], headings: [], code: [] };
  const tokens = parser.parse(text, {});
  let headingOpen = false;
  let blockLine = 1;
  for (const token of tokens) {
    if (token.map) blockLine = token.map[0] + 1;
    if (token.type === 'heading_open') headingOpen = true;
    else if (token.type === 'heading_close') headingOpen = false;
    else if (token.type === 'inline') {
      if (headingOpen) outline.headings.push(plainText(token.children ?? []));
      collectInline(token.children ?? [], blockLine, outline);
    } else if ((token.type === 'fence' || token.type === 'code_block') && !DATA_LANGUAGES.has(token.info.trim().split(/\s+/)[0]!)) {
      // a fence's content starts on the line after its opening marker; an indented block's on its first line
      const first = blockLine + (token.type === 'fence' ? 1 : 0);
      token.content.split('\n').forEach((value, index) => {
        if (value.trim()) outline.code.push({ line: first + index, value });
      });
    }
  }
  return outline;
}

/** The text of inline tokens as rendered, without markup (link text and code span content included). */
function plainText(children: readonly Token[]): string {
  return children
    .filter((child) => child.type === 'text' || child.type === 'code_inline')
    .map((child) => child.content)
    .join('');
}

/** Links, images and code spans of one inline token; each line break inside it moves one line on. */
function collectInline(children: readonly Token[], firstLine: number, outline: MarkdownOutline): void {
  let line = firstLine;
  for (const child of children) {
    if (child.type === 'softbreak' || child.type === 'hardbreak') line += 1;
    else if (child.type === 'link_open') pushTarget(outline, line, child.attrGet('href'));
    else if (child.type === 'image') pushTarget(outline, line, child.attrGet('src'));
    else if (child.type === 'code_inline') outline.code.push({ line, value: child.content });
  }
}

function pushTarget(outline: MarkdownOutline, line: number, target: string | null): void {
  if (target !== null) outline.links.push({ line, value: target });
}
