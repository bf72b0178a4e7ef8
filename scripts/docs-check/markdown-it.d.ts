// markdown-it 14 ships no type declarations (and @types/markdown-it is not installed): the part
// of its API the docs check uses. See https://markdown-it.github.io/markdown-it/#Token.
declare module 'markdown-it' {
  /** One token of markdown-it's token stream. */
  export interface Token {
    /** e.g. `heading_open`, `inline`, `link_open`, `code_inline`, `fence`, `softbreak`. */
    type: string;
    /** Source lines `[begin, end)`, 0-based, of block tokens. */
    map: [number, number] | null;
    /** Text of `text`, `code_inline`, `fence` and `inline` tokens. */
    content: string;
    /** Info string of a fence (its language). */
    info: string;
    /** Inline children of an `inline` token. */
    children: Token[] | null;
    /** Value of an attribute (`href` of a link, `src` of an image). */
    attrGet(name: string): string | null;
  }

  /** A CommonMark parser (GFM tables included). */
  export default class MarkdownIt {
    constructor(preset?: 'default' | 'commonmark' | 'zero', options?: Record<string, unknown>);
    /** The token stream of a document. */
    parse(source: string, env: object): Token[];
  }
}
