/**
 * One disposable tree. Everything that must be let go of (a listener, a timer, a panel, a
 * service) is registered with a parent, and disposing the root disposes it all, children last
 * registered first. A child's `dispose` may return a promise (a last save, a lease given up): the
 * parent's `dispose` returns one that settles when every child's has, which is what `deactivate`
 * returns so the editor waits for it (vscode-eslint returns `client.stop()` the same way).
 *
 * After microsoft/vscode-pull-request-github `src/common/lifecycle.ts`; free of `vscode` (a
 * `vscode.Disposable` is an `IDisposable`, and so is a `Disposable` here for `vscode`).
 */

/** Anything that lets go of what it holds; a returned promise is awaited by its parent. */
export interface IDisposable {
  dispose(): unknown;
}

/** A disposable that runs `fn`. */
export function toDisposable(fn: () => unknown): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return undefined;
      done = true;
      return fn();
    },
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Disposes every item, the last one first. Each is disposed even when another throws; the
 * synchronous parts run at once, in that order, and the promise settles when every returned
 * promise has (rejected with the first error, or an AggregateError naming them all).
 */
export async function disposeAll(items: readonly IDisposable[]): Promise<void> {
  const errors: unknown[] = [];
  const pending: Promise<unknown>[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    try {
      const result = items[i]?.dispose();
      if (isPromiseLike(result)) pending.push(Promise.resolve(result).catch((error: unknown) => errors.push(error)));
    } catch (error) {
      errors.push(error);
    }
  }
  await Promise.all(pending);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed`);
}

/** A node of the tree: what it `register`s is disposed with it. */
export class Disposable implements IDisposable {
  private readonly children: IDisposable[] = [];
  private disposing: Promise<void> | undefined;

  /** True once `dispose` was called. */
  get isDisposed(): boolean {
    return this.disposing !== undefined;
  }

  /** Adds `child` to what this disposes, and returns it; one registered after `dispose` is disposed at once. */
  register<T extends IDisposable>(child: T): T {
    if (this.disposing) void disposeAll([child]).catch(() => undefined);
    else this.children.push(child);
    return child;
  }

  /** Disposes the children, last registered first (see `disposeAll`); later calls return the same promise. */
  dispose(): Promise<void> {
    if (!this.disposing) {
      const children = this.children.splice(0);
      this.disposing = disposeAll(children);
    }
    return this.disposing;
  }
}
