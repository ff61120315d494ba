// Node runs WebAssembly, but the TypeScript libraries this repository builds with (ES2023 and
// Node's types, no DOM) do not declare it: the part the PGlite server uses (a compiled module is
// an opaque handle, as in lib.dom.d.ts).
declare namespace WebAssembly {
  type Module = object;
  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
}
