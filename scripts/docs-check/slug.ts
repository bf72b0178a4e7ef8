/**
 * GitHub's heading anchors (the algorithm of github-slugger, which is not installed here): the
 * heading's text in lower case, without punctuation and symbols (letters, marks, digits, `_`, `-`
 * and spaces stay), each space a `-`; a repeated slug gets `-1`, `-2`, … in order of appearance.
 *
 * @param headings - the plain text of each heading of one document, in order
 * @returns the anchor of each heading, in the same order
 */
export function githubSlugs(headings: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((text) => {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    while (seen.has(slug)) {
      const count = seen.get(base)! + 1;
      seen.set(base, count);
      slug = `${base}-${count}`;
    }
    seen.set(slug, 0);
    return slug;
  });
}
