import type { HTMLAttributes } from 'react';

/** `onRow` for antd Table: gives every body row `data-testid="<testId>"` (rows also carry `data-row-key`). */
export function rowTestId<T>(testId: string): (record: T) => HTMLAttributes<HTMLElement> {
  return () => {
    const attrs: HTMLAttributes<HTMLElement> & { 'data-testid': string } = { 'data-testid': testId };
    return attrs;
  };
}
