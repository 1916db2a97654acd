import { expect } from "chai";

/**
 * Asserts that `act` (typically an expected revert) leaves whatever `read` observes unchanged.
 * `read` should return plain data (bigints, strings, arrays, objects); it is compared deeply.
 */
export async function expectNoChange<T>(read: () => Promise<T>, act: () => Promise<unknown>): Promise<void> {
  const before = await read();
  await act();
  const after = await read();
  expect(after).to.deep.equal(before, "a failing call changed state");
}
