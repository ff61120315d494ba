import { readdir, readFile, rename, writeFile } from 'node:fs/promises';

/** A JSON sidecar, or undefined when it is missing or torn (e.g. by a crash mid-write). */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export const listDir = async (path: string): Promise<string[]> => readdir(path).catch(() => []);

/** Write-then-rename, so a crash mid-write leaves the previous sidecar intact. */
export async function writeJsonAtomic(
  path: string,
  value: unknown,
  tempPath: string,
): Promise<void> {
  await writeFile(tempPath, JSON.stringify(value));
  await rename(tempPath, path);
}

/** Serialises async tasks per id (an object key, an upload) without blocking other ids. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(id: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(id) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(id, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    }
  }
}
