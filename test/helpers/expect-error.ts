/**
 * Assert that `fn` throws an error carrying `code` whose message matches `message`. tap's `t.throws` takes a
 * class or an object pattern, not a predicate; this keeps the check in one readable line per case.
 */
import type { Test } from 'tap';

export type Assertions = Pick<Test, 'ok'>;

export function expectError(
  t: Assertions,
  fn: () => unknown,
  expected: { code?: string; message?: RegExp; name?: string },
  label?: string,
): void {
  try {
    fn();
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown; name?: unknown };
    const codeOk = expected.code === undefined || err.code === expected.code;
    const messageOk = expected.message === undefined || expected.message.test(String(err.message));
    const nameOk = expected.name === undefined || err.name === expected.name;
    t.ok(codeOk && messageOk && nameOk, label ?? `throws ${expected.code ?? ''} ${expected.message ?? ''}`, {
      found: { code: err.code, message: err.message, name: err.name },
      wanted: { code: expected.code, message: String(expected.message) },
    });
    return;
  }
  t.ok(false, `${label ?? 'expected an error'}: nothing was thrown`);
}

export async function expectRejection(
  t: Assertions,
  promise: Promise<unknown>,
  expected: { code?: string; message?: RegExp },
  label?: string,
): Promise<void> {
  try {
    await promise;
  } catch (e) {
    expectError(
      t,
      () => {
        throw e;
      },
      expected,
      label,
    );
    return;
  }
  t.ok(false, `${label ?? 'expected a rejection'}: the promise resolved`);
}
