/**
 * The repository's root, found from this file's folder by looking for package.json, so paths stay right both
 * for the TypeScript sources (scripts/lib) and for the compiled command line (dist/cli/scripts/lib).
 */
import fs from "node:fs";
import path from "node:path";

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.join(start, "..", "..");
  }
}

export const ROOT = findRoot(__dirname);
