/**
 * V8 settings of the server process, applied before anything else is loaded (server.ts imports this
 * module first). Measured by bench/footprint (docs/benchmarks.md, "Footprint"):
 *
 * - `--optimize-for-size`: the heap grows less eagerly between collections. Without it the heap of a
 *   server that has just loaded the demo datasets stays at ~250 MB, nearly all of it garbage that
 *   V8 sees no reason to collect; with it ~60 MB.
 * - `--liftoff-only`: PGlite's WebAssembly (PostgreSQL) runs on V8's baseline compiler only. The
 *   optimising tier costs ~45 MB of compiled code and much CPU while it compiles in the background,
 *   which on a small machine delays the start more than the faster code gains back. Only the
 *   embedded database runs WebAssembly; on PostgreSQL the flag changes nothing.
 *
 * Tests build the app without this module, under V8's defaults.
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--optimize-for-size');
v8.setFlagsFromString('--liftoff-only');
