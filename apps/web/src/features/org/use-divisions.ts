import { useAsync, type AsyncState } from '../../components/hooks/use-async';
import { orgApi } from './org-api';
import type { Division } from '@huitong/contract/org';

export function useDivisions(): AsyncState<Division[]> {
  return useAsync((signal) => orgApi.listDivisions(signal), []);
}
