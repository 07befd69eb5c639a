/** The disposable tree (src/lifecycle.ts): order, idempotence, awaited async children, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disposable, disposeAll, toDisposable } from '../../../src/lifecycle';

const tick = () => new Promise<void>((r) => setImmediate(r));

void describe('Disposable', () => {
  void it('disposes its children last registered first, each once, and says it is disposed', async () => {
    const order: string[] = [];
    const tree = new Disposable();
    for (const name of ['log', 'meter', 'listener']) tree.register(toDisposable(() => order.push(name)));
    assert.equal(tree.isDisposed, false);
    const first = tree.dispose();
    assert.deepEqual(order, ['listener', 'meter', 'log'], 'the synchronous parts ran at once, in that order');
    assert.equal(tree.dispose(), first, 'a second call returns the same promise');
    await first;
    assert.equal(tree.isDisposed, true);
    assert.deepEqual(order, ['listener', 'meter', 'log']);
  });

  void it('settles only once every asynchronous child has (a last save, a lease given up)', async () => {
    let saved = false;
    let released = false;
    const tree = new Disposable();
    tree.register(toDisposable(() => tick().then(() => tick()).then(() => (saved = true))));
    tree.register({ dispose: () => tick().then(() => (released = true)) });
    await tree.dispose();
    assert.ok(saved && released);
  });

  void it('disposes a child registered after it was disposed at once', async () => {
    const tree = new Disposable();
    await tree.dispose();
    let disposed = false;
    const child = tree.register(toDisposable(() => (disposed = true)));
    assert.ok(child);
    await tick();
    assert.ok(disposed);
  });

  void it('nests: a subclass registers its own children, disposed with its parent', async () => {
    const order: string[] = [];
    class Panel extends Disposable {
      constructor() {
        super();
        this.register(toDisposable(() => order.push('panel listener')));
      }
    }
    const tree = new Disposable();
    tree.register(toDisposable(() => order.push('log')));
    tree.register(new Panel());
    await tree.dispose();
    assert.deepEqual(order, ['panel listener', 'log']);
  });

  void it('disposes every child even when some throw or reject, then reports the errors', async () => {
    const order: string[] = [];
    await assert.rejects(
      disposeAll([
        toDisposable(() => order.push('a')),
        toDisposable(() => {
          throw new Error('b failed');
        }),
        toDisposable(() => Promise.reject(new Error('c failed'))),
        toDisposable(() => order.push('d')),
      ]),
      (error: unknown) => error instanceof AggregateError && error.errors.length === 2,
    );
    assert.deepEqual(order, ['d', 'a']);
    await assert.rejects(disposeAll([toDisposable(() => Promise.reject(new Error('alone')))]), /alone/);
  });
});
