import type { AddressesMessage } from '@kinema/contracts';
import { AddressBook } from './address-book';

function book(ackTimeoutMs = 60_000) {
  const sent: Array<{ to: string; message: AddressesMessage }> = [];
  const alive = new Set(['gateway', 'gateway-2']);
  const addressBook = new AddressBook((to, message) => {
    if (!alive.has(to)) return false;
    sent.push({ to, message });
    return true;
  }, ackTimeoutMs);
  return { addressBook, sent, alive };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('the address book', () => {
  it('sends a watcher the current list at once, then every change in order', async () => {
    const { addressBook, sent } = book();
    void addressBook.add('catalog', 'catalog', '127.0.0.1:1');
    addressBook.watch('gateway', 'catalog');
    void addressBook.add('catalog', 'catalog-2', '127.0.0.1:2');
    expect(sent.map((s) => [s.to, s.message.version, s.message.addresses])).toEqual([
      ['gateway', 1, ['127.0.0.1:1']],
      ['gateway', 2, ['127.0.0.1:1', '127.0.0.1:2']],
    ]);
  });

  it('lets a replica go only once every watcher has stopped using it', async () => {
    const { addressBook } = book();
    await addressBook.add('catalog', 'catalog-2', '127.0.0.1:2');
    addressBook.watch('gateway', 'catalog');
    addressBook.watch('gateway-2', 'catalog');
    const removed = addressBook.remove('catalog', 'catalog-2');
    expect(await settled(removed)).toBe(false);
    addressBook.applied('gateway', 'catalog', 2);
    expect(await settled(removed)).toBe(false);
    addressBook.applied('gateway-2', 'catalog', 2);
    expect(await settled(removed)).toBe(true);
    expect(addressBook.addresses('catalog')).toEqual([]);
  });

  it('does not wait for a watcher that is gone, nor past its bound for one that never answers', async () => {
    const { addressBook } = book(50);
    await addressBook.add('catalog', 'catalog-2', '127.0.0.1:2');
    addressBook.watch('gateway', 'catalog');
    addressBook.watch('gateway-2', 'catalog');
    const removed = addressBook.remove('catalog', 'catalog-2');
    addressBook.forget('gateway');
    await expect(removed).resolves.toBeUndefined();
  });
});
