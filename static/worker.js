// The analysis worker. It runs the page's own WebAssembly module (already in the browser's
// cache: nothing more is downloaded), whose main function finds no window and serves the page's
// requests instead of drawing one. Paths are relative to this file, so any sub-path works.
import('../heaplens-app.js').then((m) => m.default({ module_or_path: new URL('../heaplens-app_bg.wasm', self.location.href) }));
