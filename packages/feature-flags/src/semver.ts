import { compare, valid } from 'semver';

/**
 * Compares two versions by SemVer 2.0.0 precedence (§11; the `semver` package, strict parsing:
 * `01.0.0` and `v1` are not versions; build metadata is ignored).
 * @returns -1, 0 or 1; null when either is not a valid version
 */
export function compareSemver(left: string, right: string): number | null {
  if (valid(left) !== left.replace(/\+.*$/, '') || valid(right) !== right.replace(/\+.*$/, '')) return null;
  return compare(left, right);
}
