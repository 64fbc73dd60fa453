import type { HTMLAttributes } from 'react';

/** `onRow` for antd Table: gives every body row `data-testid="<testId>"` (rows also carry `data-row-key`). */
export function rowTestId<T>(testId: string): (record: T) => HTMLAttributes<HTMLElement> {
  return () => {
    const attrs: HTMLAttributes<HTMLElement> & { 'data-testid': string } = { 'data-testid': testId };
    return attrs;
  };
}

/**
 * Attributes of one row for `onRow`: its `data-*` attributes for the tests and, where rows do
 * something, the rest (a click, a style).
 */
export function rowAttrs(
  attrs: Record<`data-${string}`, string>,
  rest: HTMLAttributes<HTMLElement> = {},
): HTMLAttributes<HTMLElement> {
  const all: HTMLAttributes<HTMLElement> & Record<`data-${string}`, string> = { ...rest, ...attrs };
  return all;
}
