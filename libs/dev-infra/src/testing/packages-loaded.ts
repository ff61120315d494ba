/** What packagesLoadedBy uses of a test file's `jest` object (its own: mocks resolve from there). */
export interface ModuleMocking {
  doMock(moduleName: string, factory: () => unknown): unknown;
  isolateModules(fn: () => void): unknown;
}

/** Which of the packages `load` pulled in, and what it threw, if anything. */
export interface PackagesLoaded {
  loaded: string[];
  failure: unknown;
}

/**
 * Which of `names` loading something pulls in: each package is stood in for by an empty module
 * that notes when it is required, and `load` runs in a module registry of its own, so what the
 * test file loaded before does not count. A module that imports a stand-in may throw on it, so
 * `load`'s error is kept beside the packages, which say why. Pass the test file's `jest`.
 */
export function packagesLoadedBy(
  jest: ModuleMocking,
  names: readonly string[],
  load: () => void,
): PackagesLoaded {
  const loaded: string[] = [];
  for (const name of names) {
    jest.doMock(name, () => {
      loaded.push(name);
      return {};
    });
  }
  let failure: unknown;
  jest.isolateModules(() => {
    try {
      load();
    } catch (error) {
      failure = error;
    }
  });
  return { loaded, failure };
}
