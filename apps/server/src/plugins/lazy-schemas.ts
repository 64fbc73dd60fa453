/**
 * Route schemas compiled on their route's first use instead of at start-up. Fastify compiles a
 * validator (ajv) for every request part and a serializer (fast-json-stringify) for every response
 * status of every route when the app starts: with ~150 routes that was two thirds of the time to
 * ready (bench/footprint, docs/benchmarks.md) and memory for code no request may ever run.
 *
 * A schema that cannot compile would now fail at its route's first use instead of at start-up, so
 * every deferred compilation is also kept here: `compileAll()` runs the ones still pending, and a
 * test calls it on the whole app (plugins/lazy-schemas.test.ts).
 */
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Serializer = (doc: unknown) => string;
type SerializerCompiler = ReturnType<ReturnType<typeof SerializerSelector>>;
type SerializerFactory = (externalSchemas?: unknown, options?: object) => SerializerCompiler;

export class LazySchemas {
  private readonly pending = new Set<() => void>();

  /** `compile` runs once, on the first call of the returned function or by `compileAll()`. */
  defer<F>(compile: () => F): () => F {
    let compiled: F | undefined;
    const get = (): F => {
      if (compiled === undefined) {
        compiled = compile();
        this.pending.delete(force);
      }
      return compiled;
    };
    const force = () => void get();
    this.pending.add(force);
    return get;
  }

  /** Compiles every schema not compiled yet (throws the first compilation error); answers how many. */
  compileAll(): number {
    const all = [...this.pending];
    for (const compile of all) compile();
    return all.length;
  }

  /** Fastify's `schemaController.compilersFactory.buildSerializer`: its default, deferred. */
  serializerFactory(): SerializerFactory {
    const defaults = SerializerSelector();
    return (externalSchemas, options) => {
      const compiler = defaults(externalSchemas, options);
      return (route) => {
        const serializer = this.defer<Serializer>(() => compiler(route));
        return (doc: unknown) => serializer()(doc);
      };
    };
  }
}
